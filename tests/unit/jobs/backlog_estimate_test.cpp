// backlog_estimate: the backlog's drain rate from the waits of jobs that left it, and the admission bound from it.
#include "jobs/backlog_estimate.hpp"

#include <gtest/gtest.h>

namespace lingua::jobs {
namespace {

admission_limits limits(std::int64_t budget_ms, std::int64_t max_backlog) {
  admission_limits l;
  l.wait_budget_ms = budget_ms;
  l.max_backlog = max_backlog;
  return l;
}

TEST(backlog_estimate, knows_no_rate_before_a_job_has_left_the_backlog_and_bounds_by_the_cap_then) {
  backlog_estimate e(limits(2000, 500));
  EXPECT_FALSE(e.drain_per_second(0).has_value());
  EXPECT_FALSE(e.expected_wait_ms(0, 10).has_value());
  EXPECT_EQ(e.bound(0), 500);
}

TEST(backlog_estimate, a_job_that_waited_one_second_behind_two_hundred_says_two_hundred_jobs_a_second) {
  backlog_estimate e(limits(2000, 5000));
  e.observe(1000, 200, 1000);
  ASSERT_TRUE(e.drain_per_second(1000).has_value());
  EXPECT_DOUBLE_EQ(*e.drain_per_second(1000), 200.0);
  EXPECT_EQ(e.expected_wait_ms(1000, 300), 1500);
  EXPECT_EQ(e.bound(1000), 400) << "two seconds of budget at 200 jobs/s";
}

TEST(backlog_estimate, long_waits_weigh_more_than_short_ones_at_the_head) {
  backlog_estimate e(limits(1000, 0));
  e.observe(1000, 1, 1);       // alone at the head, sent at once: alone it would say 1000 jobs/s
  e.observe(1000, 100, 1000);  // a real wait
  EXPECT_NEAR(*e.drain_per_second(1000), 101.0 * 1000.0 / 1001.0, 1e-9);
}

TEST(backlog_estimate, the_rate_follows_a_slower_backlog_within_a_few_windows) {
  admission_limits l = limits(1000, 0);
  l.window_ms = 1000;
  backlog_estimate e(l);
  for (std::int64_t t = 0; t < 10000; t += 100) e.observe(t, 400, 1000);  // 400 jobs/s
  EXPECT_NEAR(*e.drain_per_second(10000), 400.0, 1e-6);
  for (std::int64_t t = 10000; t < 15000; t += 100) e.observe(t, 100, 1000);  // capacity fell to 100 jobs/s
  EXPECT_LT(*e.drain_per_second(15000), 110.0);
  EXPECT_LT(e.bound(15000), 110);
}

TEST(backlog_estimate, an_old_rate_is_forgotten) {
  admission_limits l = limits(1000, 300);
  l.stale_after_ms = 30000;
  backlog_estimate e(l);
  e.observe(0, 1000, 1000);
  EXPECT_EQ(e.bound(29000), 300) << "capped";
  e.observe(0, 1, 100000);  // one very long wait: about 10 jobs/s
  EXPECT_EQ(e.bound(29000), 9);
  EXPECT_FALSE(e.drain_per_second(31000).has_value());
  EXPECT_EQ(e.bound(31000), 300) << "no recent rate: the cap";
}

TEST(backlog_estimate, a_slow_backlog_still_lets_one_job_wait_at_the_head) {
  backlog_estimate e(limits(1000, 0));
  e.observe(0, 1, 10000);  // 0.1 jobs/s: one second of budget holds no whole job
  EXPECT_EQ(e.bound(0), 1);
}

TEST(backlog_estimate, no_budget_and_no_cap_means_no_bound) {
  backlog_estimate e(limits(0, 0));
  e.observe(0, 10, 10);
  EXPECT_EQ(e.bound(0), 0);
}

TEST(backlog_estimate, a_job_whose_place_in_the_backlog_is_unknown_teaches_nothing) {
  backlog_estimate e(limits(1000, 50));
  e.observe(0, 0, 500);
  EXPECT_FALSE(e.drain_per_second(0).has_value());
  EXPECT_EQ(e.bound(0), 50);
}

TEST(backlog_estimate, an_enormous_rate_is_capped_not_overflowed) {
  backlog_estimate e(limits(3'600'000, 0));
  e.observe(0, 9'000'000'000'000, 1);
  EXPECT_GT(e.bound(0), 0);
}

}  // namespace
}  // namespace lingua::jobs
