#pragma once
// The node's side of the node protocol (docs/protocol.md, "Node → scheduler"): one WebSocket to the scheduler on the
// one Asio event loop; node_register, heartbeats with real resource usage, job_ack/job_started, asr_partial,
// job_result, job_cancel; reconnect with exponential back-off keeping the node id the scheduler gave.
//
// Threads: the engines block (a decode takes ~0.5 s), so each job runs on a worker thread that owns its own
// engine_set (PocketSphinx decoders and Apertium pipelines are not shareable), and its result is posted back to the
// event loop. This is the only use of threads in the node; everything else (socket, job table, heartbeats) lives on
// the loop, so no state is shared between threads.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "node/engines/engine.hpp"
#include "node/system_usage.hpp"
#include "protocol/node_messages.hpp"

namespace lingua::node {

struct scheduler_address {
  std::string host;
  std::string port;
  std::string target;  // path and query, e.g. /ws/node?token=T
};

// ws://host[:port]/path[?query]; nullopt (and `error`) for anything else (wss:// is not supported: put a TLS proxy
// in front of a remote scheduler, or use an ssh tunnel).
std::optional<scheduler_address> parse_scheduler_url(std::string_view url, std::string& error);

struct node_options {
  scheduler_address scheduler;
  std::string token;    // sent as `Authorization: Bearer <token>` and as `?token=` (schedulers accept either)
  std::string node_id;  // "" = let the scheduler assign one (kept across reconnects)
  std::chrono::milliseconds heartbeat_interval{5000};
  std::chrono::milliseconds reconnect_min{250};
  std::chrono::milliseconds reconnect_max{10000};
  system_usage::cpu_scope cpu_scope = system_usage::cpu_scope::machine;
};

class node_client {
 public:
  // One worker per engine set; `engines` must not be empty.
  node_client(boost::asio::io_context& loop, node_options options, std::vector<engine_set> engines);
  ~node_client();  // stops and joins the workers (a running job finishes its current stage first)
  node_client(const node_client&) = delete;
  node_client& operator=(const node_client&) = delete;

  // Connects, serves and reconnects until stop().
  boost::asio::awaitable<void> run();
  // Closes the connection politely and ends run(). Call on the loop.
  void stop();

  const std::string& node_id() const { return node_id_; }

 private:
  struct connection;
  struct worker;
  struct running_job {
    protocol::job_assign job;
    std::shared_ptr<std::atomic<bool>> cancelled;
    std::optional<std::size_t> worker;
  };

  boost::asio::awaitable<void> serve_once(bool& registered);
  boost::asio::awaitable<void> write_loop(std::shared_ptr<connection> c);
  boost::asio::awaitable<void> heartbeat_loop(std::shared_ptr<connection> c);
  void handle(const std::string& text);
  void on_job_assign(protocol::job_assign job);
  void on_job_cancel(const protocol::job_cancel& cancel);
  void dispatch();
  void on_job_done(std::size_t index, const std::string& key, std::optional<protocol::job_result> result);
  void send(std::string text, bool keep_while_disconnected = false);
  void send_heartbeat();

  boost::asio::io_context& loop_;
  node_options options_;
  std::string node_id_;
  protocol::node_register registration_;
  std::vector<std::unique_ptr<worker>> workers_;
  std::vector<std::size_t> idle_workers_;
  std::map<std::string, running_job> jobs_;  // "job_id#attempt" → job
  std::deque<std::string> waiting_;          // keys of jobs waiting for a worker
  std::deque<std::string> unsent_results_;   // job results produced while disconnected
  std::shared_ptr<connection> current_;
  boost::asio::steady_timer backoff_;
  system_usage usage_;
  bool stopping_ = false;
};

}  // namespace lingua::node
