#pragma once
// An in-process net::server on an ephemeral loopback port, its loop running in a background thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <string>
#include <thread>

#include "net/server.hpp"

namespace lingua::net::test {

class running_server {
 public:
  explicit running_server(server_config config = loopback());
  // Stops (if still running) and joins; a loop that does not finish is stopped hard so the test fails, not hangs.
  ~running_server();

  static server_config loopback();

  // Register routes on front() before start().
  server& front() { return front_; }
  void start();
  std::uint16_t port() const { return port_; }

  // server::stop on the loop; true when the loop's run() returned within the timeout.
  bool stop(std::uint16_t code, std::string reason, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The two halves of stop(), for tests that act between them.
  void request_stop(std::uint16_t code, std::string reason);
  bool wait_stopped(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Runs fn on the loop thread and returns its result (for reading loop-owned state from the test thread).
  template <class F>
  auto on_loop(F fn) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(loop_, [&task] { task(); });
    return result.get();
  }

 private:
  boost::asio::io_context loop_{1};
  server front_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::future<void> finished_;
};

}  // namespace lingua::net::test
