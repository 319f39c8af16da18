#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>
#include <string>

#include "redis_fixture.hpp"

namespace lingua::redis::test {
namespace {

namespace asio = boost::asio;
using redis_client = redis_case;

TEST_F(redis_client, a_missing_key_reads_as_nil) {
  auto& c = make_client();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto r = co_await c.command(arguments("GET", "no-such-key"));
    EXPECT_FALSE(r.ec);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.value.type(), reply::kind::nil);
  });
}

TEST_F(redis_client, integer_replies_are_integers) {
  auto& c = make_client();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto r = co_await c.command(arguments("INCRBY", "counter", "-41"));
    EXPECT_EQ(r.value.type(), reply::kind::integer);
    EXPECT_EQ(r.value.as_integer(), -41);
  });
}

TEST_F(redis_client, binary_values_with_nul_bytes_round_trip_unchanged) {
  auto& c = make_client();
  std::string value;
  for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
  value += std::string("\0\r\n\0", 4);
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    std::string key("bin\0key", 7);
    auto set = co_await c.command(arguments("SET", key, value));
    EXPECT_TRUE(set.ok());
    auto get = co_await c.command(arguments("GET", key));
    EXPECT_EQ(get.value.type(), reply::kind::string);
    EXPECT_EQ(get.value.str(), value);
  });
}

TEST_F(redis_client, status_replies_carry_their_text) {
  auto& c = make_client();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto r = co_await c.command(arguments("SET", "k", "v"));
    EXPECT_EQ(r.value.type(), reply::kind::status);
    EXPECT_EQ(r.value.str(), "OK");
    auto pong = co_await c.command(arguments("PING"));
    EXPECT_EQ(pong.value.str(), "PONG");
  });
}

TEST_F(redis_client, an_error_reply_is_a_reply_and_not_a_transport_error) {
  auto& c = make_client();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    co_await c.command(arguments("SET", "text", "abc"));
    auto r = co_await c.command(arguments("INCR", "text"));
    EXPECT_FALSE(r.ec);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.value.type(), reply::kind::error);
    EXPECT_EQ(r.value.error_code(), "ERR");
    auto after = co_await c.command(arguments("PING"));
    EXPECT_EQ(after.value.str(), "PONG");
  });
}

TEST_F(redis_client, nested_arrays_keep_their_shape_and_element_kinds) {
  auto& c = make_client();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto r = co_await c.command(arguments("EVAL", "return {1, {'a', {2, 'b'}}, {}, redis.status_reply('fine')}", "0"));
    CO_ASSERT_TRUE(r.value.is_array());
    CO_ASSERT_TRUE(r.value.size() == 4);
    EXPECT_EQ(r.value[0].as_integer(), 1);
    EXPECT_EQ(r.value[1][0].str(), "a");
    EXPECT_EQ(r.value[1][1][0].as_integer(), 2);
    EXPECT_EQ(r.value[1][1][1].type(), reply::kind::string);
    EXPECT_TRUE(r.value[2].is_array());
    EXPECT_EQ(r.value[2].size(), 0u);
    EXPECT_EQ(r.value[3].type(), reply::kind::status);
  });
}

TEST_F(redis_client, ten_thousand_concurrent_commands_from_several_coroutines_get_their_own_replies) {
  auto& c = make_client(2);
  constexpr int producers = 8;
  constexpr int per_producer = 1250;
  int matched = 0;
  int finished = 0;
  std::chrono::steady_clock::duration elapsed{};
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    auto started = std::chrono::steady_clock::now();
    for (int p = 0; p < producers; ++p) {
      asio::co_spawn(ex, [&, p]() -> asio::awaitable<void> {
        for (int i = 0; i < per_producer; ++i) {
          asio::co_spawn(ex, [&, p, i]() -> asio::awaitable<void> {
            std::string token = std::to_string(p) + ":" + std::to_string(i);
            auto r = co_await c.command(arguments("ECHO", token));
            if (!r.ec && r.value.str() == token) ++matched;
            if (++finished == producers * per_producer) all_done.cancel();
          }, asio::detached);
        }
        co_return;
      }, asio::detached);
    }
    co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    elapsed = std::chrono::steady_clock::now() - started;
  });
  EXPECT_EQ(finished, producers * per_producer);
  EXPECT_EQ(matched, producers * per_producer);
  RecordProperty("commands_per_second",
                 static_cast<int>(producers * per_producer / std::chrono::duration<double>(elapsed).count()));
}

TEST_F(redis_client, a_pipeline_returns_its_results_in_command_order) {
  auto& c = make_client(1);
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    std::vector<command_args> commands;
    for (int i = 0; i < 1000; ++i) commands.push_back({"RPUSH", "list", std::to_string(i)});
    commands.push_back({"LRANGE", "list", "0", "-1"});
    commands.push_back({"NOT-A-COMMAND"});
    auto results = co_await c.pipeline(commands);
    CO_ASSERT_TRUE(results.size() == 1002);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(results[static_cast<std::size_t>(i)].value.as_integer(), i + 1);
    EXPECT_EQ(results[1000].value.size(), 1000u);
    EXPECT_EQ(results[1000].value[999].str(), "999");
    EXPECT_TRUE(results[1001].value.is_error());
    EXPECT_TRUE((co_await c.pipeline({})).empty());
  });
}

TEST_F(redis_client, a_command_past_its_timeout_fails_with_timeout_and_later_replies_still_match) {
  auto& c = make_client(1);
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto started = std::chrono::steady_clock::now();
    auto slow = co_await c.command(arguments("DEBUG", "SLEEP", "0.5"), 100ms);
    auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(slow.ec, make_error_code(errc::timeout));
    EXPECT_GE(waited, 100ms);
    EXPECT_LT(waited, 400ms);
    // The late +OK of DEBUG SLEEP arrives first on this connection and must be dropped, not given to ECHO.
    for (int i = 0; i < 5; ++i) {
      auto echo = co_await c.command(arguments("ECHO", "after-" + std::to_string(i)));
      EXPECT_FALSE(echo.ec);
      EXPECT_EQ(echo.value.str(), "after-" + std::to_string(i));
    }
    EXPECT_TRUE(c.connected());
  });
}

TEST_F(redis_client, stop_completes_pending_commands_with_stopped_and_later_ones_too) {
  auto& c = make_client(1);
  std::error_code pending_ec;
  std::error_code later_ec;
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
      auto r = co_await c.command(arguments("BLPOP", "never-filled", "0"), 60s);
      pending_ec = r.ec;
      done.cancel();
    }, asio::detached);
    asio::steady_timer settle(ex, 100ms);
    co_await settle.async_wait(asio::use_awaitable);
    c.stop();
    co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
    later_ec = (co_await c.command(arguments("PING"))).ec;
    EXPECT_FALSE(c.connected());
    EXPECT_FALSE(co_await c.wait_connected(1s));
  });
  EXPECT_EQ(pending_ec, make_error_code(errc::stopped));
  EXPECT_EQ(later_ec, make_error_code(errc::stopped));
}

TEST_F(redis_client, commands_are_spread_over_every_connection_each_named_by_the_options) {
  auto& c = make_client(3);
  run_on(io, c, [&]() -> asio::awaitable<void> {
    // Wait until all three are up, so round robin has all three to choose from.
    for (int i = 0; i < 200; ++i) {
      auto list = co_await c.command(arguments("CLIENT", "LIST"));
      std::string text = list.value.str();
      std::size_t named = 0;
      for (auto pos = text.find("name=lingua-test"); pos != std::string::npos;
           pos = text.find("name=lingua-test", pos + 1)) {
        ++named;
      }
      if (named == 3) break;
      asio::steady_timer t(co_await asio::this_coro::executor, 10ms);
      co_await t.async_wait(asio::use_awaitable);
    }
    std::set<std::int64_t> ids;
    for (int i = 0; i < 6; ++i) {
      auto id = co_await c.command(arguments("CLIENT", "ID"));
      if (auto v = id.value.as_integer()) ids.insert(*v);
    }
    EXPECT_EQ(ids.size(), 3u);
    auto name = co_await c.command(arguments("CLIENT", "GETNAME"));
    EXPECT_EQ(name.value.str(), "lingua-test");
  });
}

TEST(redis_client_tcp, commands_work_over_tcp_as_over_a_unix_socket) {
  embedded_server server(tcp_options(lingua::test::free_port()));
  server.start();
  asio::io_context io;
  client c(io.get_executor(), options_for(server));
  EXPECT_TRUE(c.options().address.starts_with("redis://127.0.0.1:"));
  c.start();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto r = co_await c.command(arguments("ECHO", "over tcp"));
    EXPECT_EQ(r.value.str(), "over tcp");
  });
}

}  // namespace
}  // namespace lingua::redis::test
