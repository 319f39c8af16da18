#include "net/token_bucket.hpp"

#include <gtest/gtest.h>

namespace lingua::net {
namespace {

using namespace std::chrono_literals;
const token_bucket::clock::time_point t0{};

int takes(token_bucket& bucket, int attempts, token_bucket::clock::time_point at) {
  int taken = 0;
  for (int i = 0; i < attempts; ++i) taken += bucket.try_take(at) ? 1 : 0;
  return taken;
}

TEST(token_bucket, allows_a_full_burst_at_once_then_refuses) {
  token_bucket bucket(10, 4, t0);
  EXPECT_EQ(takes(bucket, 10, t0), 4);
}

TEST(token_bucket, refills_at_the_configured_rate) {
  token_bucket bucket(10, 4, t0);
  takes(bucket, 4, t0);
  EXPECT_EQ(takes(bucket, 10, t0 + 200ms), 2);
}

TEST(token_bucket, never_holds_more_than_the_burst) {
  token_bucket bucket(10, 4, t0);
  EXPECT_EQ(takes(bucket, 100, t0 + 1h), 4);
}

TEST(token_bucket, a_zero_rate_means_no_limit) {
  token_bucket bucket(0, 1, t0);
  EXPECT_EQ(takes(bucket, 1000, t0), 1000);
}

TEST(token_bucket, a_clock_going_backwards_adds_no_tokens) {
  token_bucket bucket(10, 2, t0 + 1s);
  takes(bucket, 2, t0 + 1s);
  EXPECT_EQ(takes(bucket, 5, t0), 0);
}

TEST(token_bucket, says_how_long_until_the_next_token_and_that_wait_is_enough) {
  token_bucket bucket(10, 2, t0);
  EXPECT_EQ(bucket.time_until_token(t0), token_bucket::clock::duration::zero());
  takes(bucket, 2, t0);
  const auto wait = bucket.time_until_token(t0 + 30ms);
  EXPECT_GT(wait, 60ms);
  EXPECT_LE(wait, 71ms);
  EXPECT_FALSE(bucket.try_take(t0 + 30ms));
  EXPECT_TRUE(bucket.try_take(t0 + 30ms + wait));
}

TEST(token_bucket, a_disabled_bucket_never_makes_anyone_wait) {
  token_bucket bucket(0, 1, t0);
  takes(bucket, 100, t0);
  EXPECT_EQ(bucket.time_until_token(t0), token_bucket::clock::duration::zero());
}

}  // namespace
}  // namespace lingua::net
