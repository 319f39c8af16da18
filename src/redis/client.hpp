#pragma once
// Asynchronous Redis client on the caller's Asio executor.
//
// I/O is Asio's (TCP or unix socket); RESP formatting and parsing are hiredis's (redisFormatCommandArgv and
// redisReader), so nothing here blocks and no second event loop exists. Each connection pipelines: commands are
// written as they come and replies matched in FIFO order. The client keeps a bounded number of connections
// (options.connections) and spreads commands over them; a lost connection is re-established in the background
// with exponential back-off, and while it is down commands fail at once with errc::unreachable (fail closed: no
// queueing of work for a Redis that may never come back).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "metrics/scheduler_metrics.hpp"
#include "redis/errors.hpp"
#include "redis/reply.hpp"

namespace lingua::redis {

struct client_options {
  // "redis://host:port" (TCP) or "unix:///path/to/socket".
  std::string address = "redis://127.0.0.1:6379";
  std::size_t connections = 2;
  std::chrono::milliseconds command_timeout{2000};
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{2000};
  std::string name = "lingua";  // CLIENT SETNAME, visible in CLIENT LIST
  // Round trips and failures are counted here when set (scheduler_redis_*); a client whose commands block on
  // purpose (the inbox reader's XREADGROUP) leaves it unset so its waits do not read as latency.
  metrics::scheduler_metrics* metrics = nullptr;
};

// The outcome of one command: a transport error, or Redis's reply (which may be an error reply).
struct result {
  std::error_code ec;
  reply value;

  bool ok() const { return !ec && !value.is_error(); }
};

using command_args = std::vector<std::string>;

// arguments("HSET", key, "n", 42): a command_args from strings, string views, C strings and integers (decimal).
// Prefer it to a braced list inside co_await: GCC 11.2-12 rejects `co_await redis.command({"GET", key})` ("array
// used as initializer", a compiler bug with initializer_list temporaries in coroutines).
namespace detail {
template <typename Part>
void append_argument(command_args& out, Part&& part) {
  using plain = std::remove_cvref_t<Part>;
  if constexpr (std::is_integral_v<plain> && !std::is_same_v<plain, char> && !std::is_same_v<plain, bool>) {
    out.push_back(std::to_string(part));
  } else {
    out.emplace_back(std::forward<Part>(part));
  }
}
}  // namespace detail

template <typename... Parts>
command_args arguments(Parts&&... parts) {
  command_args out;
  out.reserve(sizeof...(parts));
  (detail::append_argument(out, std::forward<Parts>(parts)), ...);
  return out;
}

class client {
 public:
  // Throws std::invalid_argument for a malformed options.address or options.connections == 0. The client must be
  // destroyed before its executor's execution context.
  client(boost::asio::any_io_executor executor, client_options options);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // Starts connecting every connection in the background. Safe to call once.
  void start();
  // Closes every connection; pending and later commands complete with errc::stopped.
  void stop();

  // One command, arguments sent verbatim as bulk strings (binary safe).
  boost::asio::awaitable<result> command(command_args args);
  // Same, with a timeout of its own (e.g. blocking XREADGROUP needs longer than the default).
  boost::asio::awaitable<result> command(command_args args, std::chrono::milliseconds timeout);
  // Several commands written at once on one connection; the results in the same order.
  boost::asio::awaitable<std::vector<result>> pipeline(std::vector<command_args> commands);

  // Completes with true as soon as at least one connection is up (at once if one already is), with false when the
  // timeout passes first or the client is stopped. For start-up, where failing at once would be premature.
  boost::asio::awaitable<bool> wait_connected(std::chrono::milliseconds timeout);

  // True when at least one connection is up.
  bool connected() const;
  const client_options& options() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace lingua::redis
