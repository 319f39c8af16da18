#pragma once
// One pipelined connection of the client (internal to src/redis).
//
// run() connects (bounded by connect_timeout), then a writer coroutine drains the outgoing buffer while the reader
// (inline in run()) parses replies and completes the slots of a FIFO in order. A lost connection completes every
// slot with errc::unreachable and is re-established after an exponential back-off. Everything runs on one executor,
// so no state here is locked.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "redis/address.hpp"
#include "redis/client.hpp"
#include "redis/resp.hpp"

namespace lingua::redis::detail {

class connection;

// A command awaiting its reply, living in the awaiting coroutine's frame. Its timer is both the deadline and the
// completion signal: complete() cancels it, so the wait ends early with done_ set; if the deadline passes first the
// waiter gives its slot up (the late reply is then read and discarded) and reports errc::timeout.
class waiter {
 public:
  waiter(const boost::asio::any_io_executor& executor, std::chrono::steady_clock::time_point deadline);
  ~waiter();
  waiter(const waiter&) = delete;
  waiter& operator=(const waiter&) = delete;

  boost::asio::awaitable<result> wait();
  void complete(result r);

 private:
  friend class connection;
  void release();

  boost::asio::steady_timer signal_;
  bool done_ = false;
  result result_;
  std::shared_ptr<connection> owner_;  // set while the waiter holds a slot of owner_'s FIFO
  std::uint64_t sequence_ = 0;
};

struct connection_settings {
  server_address address;
  std::string name;  // CLIENT SETNAME
  std::chrono::milliseconds connect_timeout{};
  std::chrono::milliseconds reconnect_min{};
  std::chrono::milliseconds reconnect_max{};
  std::size_t index = 0;  // for logs
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(boost::asio::any_io_executor executor, connection_settings settings, std::function<void()> on_up);

  void start();
  // Completes every slot with errc::stopped and makes every coroutine of this connection end.
  void stop();
  bool up() const { return up_; }

  // Queues one command for the writer; `w` completes with its reply. Precondition: up().
  void send(const command_args& args, waiter& w);
  // The waiter holding `sequence` no longer wants its reply.
  void abandon(std::uint64_t sequence);

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<bool> connect_once();
  boost::asio::awaitable<void> read_replies();
  boost::asio::awaitable<void> write_commands();
  boost::asio::awaitable<void> pause(std::chrono::milliseconds delay);
  void shut(errc why);
  std::string describe() const;

  boost::asio::any_io_executor executor_;
  connection_settings settings_;
  std::function<void()> on_up_;
  boost::asio::generic::stream_protocol::socket socket_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer wake_;         // the writer waits here while the outgoing buffer is empty
  boost::asio::steady_timer writer_exit_;  // run() waits here for the writer to end
  boost::asio::steady_timer deadline_;     // connect_timeout of the current attempt
  boost::asio::steady_timer backoff_;
  reply_reader parser_;
  std::string outgoing_;
  std::string writing_;
  std::array<char, 64 * 1024> incoming_{};
  std::deque<waiter*> slots_;            // nullptr: nobody wants that reply (timed out, or internal)
  std::uint64_t front_sequence_ = 0;     // sequence number of slots_.front()
  std::uint64_t attempt_ = 0;
  bool connecting_ = false;
  bool up_ = false;
  bool stopped_ = false;
  bool writer_idle_ = false;
  bool writer_running_ = false;
};

}  // namespace lingua::redis::detail
