#include <boost/asio/use_awaitable.hpp>

#include "redis/script.hpp"
#include "redis_fixture.hpp"

namespace lingua::redis::test {
namespace {

namespace asio = boost::asio;
using redis_script = redis_case;

const script incr_by("incr_by", R"(return redis.call('INCRBY', KEYS[1], ARGV[1]) )");

TEST_F(redis_script, the_locally_computed_sha1_is_the_one_redis_computes) {
  auto& c = make_client();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto loaded = co_await c.command(arguments("SCRIPT", "LOAD", incr_by.source()));
    EXPECT_EQ(loaded.value.str(), incr_by.sha1());
    EXPECT_EQ(incr_by.name(), "incr_by");
  });
}

TEST_F(redis_script, the_first_call_runs_the_script_with_its_keys_and_args) {
  auto& c = make_client();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto first = co_await incr_by.call(c, arguments("counter"), arguments("5"));
    EXPECT_TRUE(first.ok());
    EXPECT_EQ(first.value.as_integer(), 5);
    auto second = co_await incr_by.call(c, arguments("counter"), arguments("2"));
    EXPECT_EQ(second.value.as_integer(), 7);
  });
}

TEST_F(redis_script, a_call_after_script_flush_reloads_the_script_transparently) {
  auto& c = make_client();
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    EXPECT_EQ((co_await incr_by.call(c, arguments("counter"), arguments("1"))).value.as_integer(), 1);
    EXPECT_TRUE((co_await c.command(arguments("SCRIPT", "FLUSH"))).ok());
    auto exists = co_await c.command(arguments("SCRIPT", "EXISTS", incr_by.sha1()));
    EXPECT_EQ(exists.value[0].as_integer(), 0);
    auto after = co_await incr_by.call(c, arguments("counter"), arguments("1"));
    EXPECT_TRUE(after.ok());
    EXPECT_EQ(after.value.as_integer(), 2);
  });
}

TEST_F(redis_script, a_script_error_arrives_as_an_error_reply) {
  auto& c = make_client();
  const script failing("failing", "return redis.error_reply('LINGUA_NOPE the node is gone')");
  const script broken("broken", "return redis.call('INCR', KEYS[1])");
  run_on(io, c, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await c.wait_connected(2s));
    auto r = co_await failing.call(c, arguments(), arguments());
    EXPECT_FALSE(r.ec);
    EXPECT_EQ(r.value.type(), reply::kind::error);
    EXPECT_EQ(r.value.error_code(), "LINGUA_NOPE");
    co_await c.command(arguments("SET", "text", "abc"));
    auto runtime = co_await broken.call(c, arguments("text"), arguments());
    EXPECT_EQ(runtime.value.type(), reply::kind::error);
    EXPECT_FALSE(runtime.ok());
  });
}

}  // namespace
}  // namespace lingua::redis::test
