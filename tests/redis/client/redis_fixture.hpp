#pragma once
// Shared by the redis client tests: a real redis-server child per test, and a way to run a test body as a
// coroutine on an io_context next to the client.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <memory>

#include "redis/client.hpp"
#include "redis/embedded_server.hpp"
#include "support/test_support.hpp"

namespace lingua::redis::test {

using namespace std::chrono_literals;

// A failed check inside a coroutine (where ASSERT_* cannot return) ends the body.
#define CO_ASSERT_TRUE(condition)                         \
  if (!(condition)) {                                     \
    ADD_FAILURE() << "expected true: " << #condition;     \
    co_return;                                            \
  }

// DEBUG SLEEP is how the tests make Redis slow; Redis 7 allows DEBUG only when configured to.
inline embedded_options debug_options() {
  embedded_options o;
  o.extra_config = "enable-debug-command local";
  return o;
}

inline embedded_options tcp_options(std::uint16_t port) {
  embedded_options o;
  o.tcp_port = port;
  return o;
}

inline client_options options_for(const embedded_server& server, std::size_t connections = 2) {
  client_options o;
  o.address = server.address();
  o.connections = connections;
  o.name = "lingua-test";
  o.reconnect_min = 20ms;
  o.reconnect_max = 200ms;
  return o;
}

// Runs `body()` (an awaitable<void>) on `io`; when it ends the client is stopped, and the io_context must then run
// out of work by itself: a coroutine of the client that outlives stop() fails the test.
template <typename Body>
void run_on(boost::asio::io_context& io, client& redis, Body body, std::chrono::seconds limit = 30s) {
  bool finished = false;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, body(), [&](std::exception_ptr e) {
    finished = true;
    failure = e;
    redis.stop();
  });
  io.run_for(limit);
  ASSERT_TRUE(finished) << "the test body did not finish within " << limit.count() << " s";
  EXPECT_TRUE(io.stopped()) << "work was left on the io_context after client::stop()";
  if (failure) std::rethrow_exception(failure);
}

// A started server and a started client on it.
struct redis_case : ::testing::Test {
  embedded_server server{debug_options()};
  boost::asio::io_context io;
  std::unique_ptr<client> redis;

  void SetUp() override { server.start(); }

  client& make_client(std::size_t connections = 2) {
    redis = std::make_unique<client>(io.get_executor(), options_for(server, connections));
    redis->start();
    return *redis;
  }
};

}  // namespace lingua::redis::test
