#include "redis/errors.hpp"
#include "redis/reply.hpp"

#include <gtest/gtest.h>

namespace lingua::redis {
namespace {

TEST(redis_reply, a_default_reply_is_nil) {
  reply r;
  EXPECT_TRUE(r.is_nil());
  EXPECT_EQ(r.type(), reply::kind::nil);
  EXPECT_FALSE(r.as_integer());
}

TEST(redis_reply, as_integer_reads_integers_and_numeric_strings_only) {
  EXPECT_EQ(reply::make_integer(-42).as_integer(), -42);
  EXPECT_EQ(reply::make_string("12345").as_integer(), 12345);
  EXPECT_EQ(reply::make_status("7").as_integer(), 7);
  EXPECT_FALSE(reply::make_string("12x").as_integer());
  EXPECT_FALSE(reply::make_string("").as_integer());
  EXPECT_FALSE(reply::make_error("1").as_integer());
  EXPECT_FALSE(reply::make_array({reply::make_integer(1)}).as_integer());
}

TEST(redis_reply, error_code_is_the_first_word_of_an_error_reply) {
  EXPECT_EQ(reply::make_error("NOSCRIPT No matching script").error_code(), "NOSCRIPT");
  EXPECT_EQ(reply::make_error("ERR").error_code(), "ERR");
  EXPECT_EQ(reply::make_status("OK").error_code(), "");
}

TEST(redis_reply, arrays_index_their_elements) {
  auto r = reply::make_array({reply::make_string("a"), reply::make_array({reply::make_integer(2)})});
  ASSERT_TRUE(r.is_array());
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].str(), "a");
  EXPECT_EQ(r[1][0].as_integer(), 2);
  EXPECT_THROW((void)r[2], std::out_of_range);
}

TEST(redis_errors, transport_errors_have_their_own_category_and_messages) {
  std::error_code ec = errc::timeout;
  EXPECT_EQ(ec.category(), category());
  EXPECT_EQ(ec.message(), "redis command timed out");
  EXPECT_NE(std::error_code(errc::unreachable), std::error_code(errc::stopped));
}

}  // namespace
}  // namespace lingua::redis
