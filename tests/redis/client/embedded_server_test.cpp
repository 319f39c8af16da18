#include <signal.h>

#include <boost/asio/use_awaitable.hpp>

#include <fstream>

#include "redis_fixture.hpp"

namespace lingua::redis::test {
namespace {

namespace asio = boost::asio;

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0; }

// PING through a fresh client; true when +PONG came back.
bool answers(const embedded_server& server, std::chrono::milliseconds patience = 2s) {
  asio::io_context io;
  client c(io.get_executor(), options_for(server, 1));
  c.start();
  bool pong = false;
  run_on(io, c, [&]() -> asio::awaitable<void> {
    if (!co_await c.wait_connected(patience)) co_return;
    pong = (co_await c.command(arguments("PING"))).value.str() == "PONG";
  });
  return pong;
}

TEST(embedded_server, listens_on_a_private_unix_socket_by_default) {
  embedded_server server;
  server.start();
  EXPECT_TRUE(server.running());
  EXPECT_TRUE(server.address().starts_with("unix:///"));
  EXPECT_TRUE(server.address().ends_with("/redis.sock"));
  EXPECT_TRUE(answers(server));
}

TEST(embedded_server, listens_on_loopback_tcp_when_given_a_port) {
  auto port = lingua::test::free_port();
  embedded_server server(tcp_options(port));
  server.start();
  EXPECT_EQ(server.address(), "redis://127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(answers(server));
}

TEST(embedded_server, keeps_nothing_on_disk_without_a_data_dir) {
  embedded_server server;
  server.start();
  asio::io_context io;
  client c(io.get_executor(), options_for(server, 1));
  c.start();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto save = co_await c.command(arguments("CONFIG", "GET", "save"));
    EXPECT_EQ(save.value[1].str(), "");
    auto aof = co_await c.command(arguments("CONFIG", "GET", "appendonly"));
    EXPECT_EQ(aof.value[1].str(), "no");
  });
}

TEST(embedded_server, stop_terminates_and_reaps_the_process) {
  embedded_server server;
  server.start();
  pid_t pid = server.pid();
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(process_exists(pid));
  server.stop();
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.pid(), -1);
  EXPECT_FALSE(process_exists(pid));
}

TEST(embedded_server, kill_ends_the_process_at_once) {
  embedded_server server;
  server.start();
  pid_t pid = server.pid();
  server.kill();
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(process_exists(pid));
}

TEST(embedded_server, the_destructor_leaves_no_process_behind) {
  pid_t pid = -1;
  {
    embedded_server server;
    server.start();
    pid = server.pid();
  }
  EXPECT_FALSE(process_exists(pid));
}

TEST(embedded_server, starts_again_on_the_same_unix_socket_after_stop_and_after_kill) {
  embedded_server server;
  server.start();
  const auto address = server.address();
  server.stop();
  EXPECT_FALSE(answers(server, 300ms));
  server.start();
  EXPECT_EQ(server.address(), address);
  EXPECT_TRUE(answers(server));
  server.kill();
  server.start();
  EXPECT_TRUE(answers(server));
}

TEST(embedded_server, starts_again_on_the_same_tcp_port_after_stop_and_after_kill) {
  embedded_server server(tcp_options(lingua::test::free_port()));
  server.start();
  server.stop();
  server.start();
  EXPECT_TRUE(answers(server));
  server.kill();
  server.start();
  EXPECT_TRUE(answers(server));
}

TEST(embedded_server, start_throws_when_the_executable_cannot_run) {
  embedded_options options;
  options.executable = "/nonexistent/redis-server";
  embedded_server server(options);
  EXPECT_THROW(server.start(), std::runtime_error);
  EXPECT_FALSE(server.running());
}

TEST(embedded_server, a_data_dir_keeps_data_across_restarts) {
  lingua::test::temp_dir data;
  embedded_options options;
  options.data_dir = data.path();
  embedded_server server(options);
  server.start();
  {
    asio::io_context io;
    client c(io.get_executor(), options_for(server, 1));
    c.start();
    run_on(io, c, [&]() -> asio::awaitable<void> {
      CO_ASSERT_TRUE(co_await c.wait_connected(2s));
      EXPECT_TRUE((co_await c.command(arguments("SET", "kept", "yes"))).ok());
    });
  }
  server.stop();
  server.start();
  asio::io_context io;
  client c(io.get_executor(), options_for(server, 1));
  c.start();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    EXPECT_EQ((co_await c.command(arguments("GET", "kept"))).value.str(), "yes");
  });
}

}  // namespace
}  // namespace lingua::redis::test
