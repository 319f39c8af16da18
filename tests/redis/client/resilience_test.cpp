#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis_fixture.hpp"

namespace lingua::redis::test {
namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

void expect_prompt_unreachable(const std::string& address) {
  asio::io_context io;
  client_options o;
  o.address = address;
  client c(io.get_executor(), o);
  c.start();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    auto started = steady::now();
    auto r = co_await c.command(arguments("PING"));
    EXPECT_EQ(r.ec, make_error_code(errc::unreachable));
    auto batch = co_await c.pipeline(std::vector<command_args>(2, arguments("PING")));
    for (const auto& b : batch) EXPECT_EQ(b.ec, make_error_code(errc::unreachable));
    // Still unreachable after the client had time to try (and fail) a few connects.
    co_await sleep_for(200ms);
    auto again = co_await c.command(arguments("PING"));
    EXPECT_EQ(again.ec, make_error_code(errc::unreachable));
    EXPECT_LT(steady::now() - started, 1500ms);
    EXPECT_FALSE(c.connected());
  });
}

TEST(redis_client_unreachable, commands_fail_at_once_with_unreachable_when_no_unix_socket_listens) {
  lingua::test::temp_dir dir;
  expect_prompt_unreachable("unix://" + (dir.path() / "nobody.sock").string());
}

TEST(redis_client_unreachable, commands_fail_at_once_with_unreachable_when_no_tcp_port_listens) {
  expect_prompt_unreachable("redis://127.0.0.1:" + std::to_string(lingua::test::free_port()));
}

TEST(redis_client_unreachable, wait_connected_gives_up_after_its_timeout) {
  lingua::test::temp_dir dir;
  asio::io_context io;
  client_options o;
  o.address = "unix://" + (dir.path() / "nobody.sock").string();
  client c(io.get_executor(), o);
  c.start();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    auto started = steady::now();
    EXPECT_FALSE(co_await c.wait_connected(150ms));
    EXPECT_GE(steady::now() - started, 150ms);
  });
}

TEST(redis_client_unreachable, a_malformed_address_is_rejected_at_construction) {
  asio::io_context io;
  client_options o;
  o.address = "localhost:6379";
  EXPECT_THROW(client(io.get_executor(), o), std::invalid_argument);
}

// A fake Redis on a unix socket: on the first connection the second command (the one after CLIENT SETNAME) gets
// bytes that are not RESP; every other command gets +PONG.
asio::awaitable<void> garbage_then_pong(asio::local::stream_protocol::acceptor& acceptor) {
  for (int n = 0;; ++n) {
    auto [ec, peer] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), [n, peer = std::move(peer)]() mutable -> asio::awaitable<void> {
      std::array<char, 4096> buffer{};
      int commands = 0;
      for (;;) {
        auto [read_ec, size] = co_await peer.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
        if (read_ec) co_return;
        // CLIENT SETNAME and the test's command may arrive together; answer per command (each starts with '*').
        for (std::size_t i = 0; i < size; ++i) {
          if (buffer[i] != '*') continue;
          std::string_view answer = n == 0 && ++commands == 2 ? "?not resp\r\n" : "+PONG\r\n";
          co_await asio::async_write(peer, asio::buffer(answer), asio::as_tuple(asio::use_awaitable));
        }
      }
    }, asio::detached);
  }
}

TEST(redis_client_protocol, an_unparsable_reply_fails_the_command_with_protocol_and_the_connection_is_renewed) {
  lingua::test::temp_dir dir;
  asio::io_context io;
  const auto path = (dir.path() / "fake.sock").string();
  asio::local::stream_protocol::acceptor acceptor(io, asio::local::stream_protocol::endpoint(path));
  asio::co_spawn(io, garbage_then_pong(acceptor), asio::detached);
  client_options o;
  o.address = "unix://" + path;
  o.connections = 1;
  o.reconnect_min = 10ms;
  client c(io.get_executor(), o);
  c.start();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto bad = co_await c.command(arguments("PING"));
    EXPECT_EQ(bad.ec, make_error_code(errc::protocol));
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto good = co_await c.command(arguments("PING"));
    EXPECT_FALSE(good.ec);
    EXPECT_EQ(good.value.str(), "PONG");
    acceptor.close();
  });
}

using redis_client_resilience = redis_case;

TEST_F(redis_client_resilience, commands_in_flight_fail_with_unreachable_when_redis_dies) {
  auto& c = make_client(1);
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto ex = co_await asio::this_coro::executor;
    std::error_code blocked_ec;
    steady::duration took{};
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
      auto r = co_await c.command(arguments("BLPOP", "never-filled", "0"), 30s);
      blocked_ec = r.ec;
      done.cancel();
    }, asio::detached);
    co_await sleep_for(100ms);
    auto killed_at = steady::now();
    server.kill();
    co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
    took = steady::now() - killed_at;
    EXPECT_EQ(blocked_ec, make_error_code(errc::unreachable));
    EXPECT_LT(took, 1500ms);
    EXPECT_FALSE(c.connected());
    EXPECT_EQ((co_await c.command(arguments("PING"))).ec, make_error_code(errc::unreachable));
  });
}

TEST_F(redis_client_resilience, the_client_reconnects_by_itself_after_redis_is_killed_and_restarted) {
  auto& c = make_client(2);
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    EXPECT_TRUE((co_await c.command(arguments("SET", "before", "1"))).ok());
    server.kill();
    // Let the client notice the loss and fail a few reconnects (with back-off) before Redis returns.
    for (int i = 0; i < 50 && c.connected(); ++i) co_await sleep_for(10ms);
    EXPECT_FALSE(c.connected());
    EXPECT_EQ((co_await c.command(arguments("PING"))).ec, make_error_code(errc::unreachable));
    co_await sleep_for(300ms);
    server.start();  // blocks this loop briefly: acceptable in a test, it models the operator restarting Redis
    CO_ASSERT_TRUE(co_await c.wait_connected(3s));
    auto r = co_await c.command(arguments("ECHO", "back"));
    EXPECT_FALSE(r.ec);
    EXPECT_EQ(r.value.str(), "back");
    // No persistence: the restarted Redis is empty.
    EXPECT_TRUE((co_await c.command(arguments("GET", "before"))).value.is_nil());
    // Both connections come back, not just the first.
    for (int i = 0; i < 100; ++i) {
      auto list = co_await c.command(arguments("CLIENT", "LIST"));
      std::string text = list.value.str();
      if (text.find("name=lingua-test") != text.rfind("name=lingua-test")) break;
      co_await sleep_for(20ms);
    }
    auto list = co_await c.command(arguments("CLIENT", "LIST"));
    EXPECT_NE(list.value.str().find("name=lingua-test"), list.value.str().rfind("name=lingua-test"));
  });
}

}  // namespace
}  // namespace lingua::redis::test
