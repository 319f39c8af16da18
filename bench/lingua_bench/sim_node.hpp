#pragma once
// A simulated compute node: registers over a real /ws/node socket presenting the node token, heartbeats, and answers
// every job_assign with a successful job_result, at once or after a service time drawn from a distribution. Jobs
// are followed in the recorder (dispatch latency at job_assign, the return path from job_result).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "recorder.hpp"
#include "ws_peer.hpp"

namespace lingua::bench {

enum class service_distribution { instant, fixed, uniform, exponential };

struct node_profile {
  std::string token;  // presented as ?token=
  std::uint32_t slots = 64;  // max_concurrent_jobs
  std::vector<std::string> languages = {"en", "zh", "ja", "de"};
  service_distribution service = service_distribution::instant;
  std::chrono::microseconds service_mean{0};  // fixed: exactly; uniform: [0, 2 × mean]; exponential: mean
  bool send_ack = false;                      // job_ack on every job_assign (the real agent sends none)
  std::chrono::milliseconds heartbeat_interval{15000};
};

class sim_node : public std::enable_shared_from_this<sim_node> {
 public:
  sim_node(boost::asio::any_io_executor executor, const node_profile& profile, recorder& record, std::uint32_t seed);

  // Connects and sends node_register; true once the upgrade is accepted (the ack arrives later: registered()).
  boost::asio::awaitable<bool> start(ws_target target);
  bool registered() const { return !node_id_.empty(); }
  std::size_t running() const { return running_; }
  const std::string& error() const;
  void stop();

 private:
  void on_text(std::string_view text);
  void on_assign(std::string job_id, std::uint32_t attempt_id, std::string session_id, std::uint64_t index,
                 std::string trace_id);
  void finish(const std::string& job_id, std::uint32_t attempt_id, const std::string& session_id, std::uint64_t index,
              const std::string& trace_id);
  void send_heartbeat();
  void arm_heartbeat();
  std::chrono::microseconds draw_service_time();

  boost::asio::any_io_executor executor_;
  const node_profile& profile_;
  recorder& record_;
  std::shared_ptr<ws_peer> peer_;
  boost::asio::steady_timer heartbeat_;
  std::mt19937 random_;
  std::string node_id_;
  std::size_t running_ = 0;
  bool stopped_ = false;
};

}  // namespace lingua::bench
