// full_backlog_memory: how long a BACKLOG_FULL answer is trusted, per requirement set, before Redis is asked again.
#include "jobs/full_backlog_memory.hpp"

#include <gtest/gtest.h>

namespace lingua::jobs {
namespace {

admission_limits budget(std::int64_t wait_budget_ms) {
  admission_limits l;
  l.wait_budget_ms = wait_budget_ms;
  return l;
}

state::job_requirements en_to(const std::string& target) {
  state::job_requirements r;
  r.languages = {"en", target};
  r.asr_languages = {"en"};
  r.tts_languages = {target};
  r.services = {"asr", "nmt", "tts"};
  return r;
}

TEST(full_backlog_memory, nothing_is_remembered_while_no_drain_rate_is_known) {
  full_backlog_memory memory(budget(2000));
  EXPECT_EQ(memory.remember("k", 1000, 10, 10, std::nullopt), 0);
  EXPECT_FALSE(memory.recall("k", 1000).has_value()) << "without a rate every job asks Redis";
}

TEST(full_backlog_memory, a_full_backlog_is_remembered_until_the_estimate_says_it_drained_below_its_bound) {
  full_backlog_memory memory(budget(10000));
  // 50 jobs over a bound of 20 at 10 jobs/s: (50 - 20 + 1) / 10 = 3.1 s, inside [0.5 s, 5 s].
  EXPECT_EQ(memory.remember("k", 1000, 50, 20, 10.0), 3100);
  const auto known = memory.recall("k", 2000);
  ASSERT_TRUE(known.has_value());
  EXPECT_EQ(known->waiting, 50);
  EXPECT_EQ(known->bound, 20);
  EXPECT_EQ(known->age_ms, 1000);
  EXPECT_EQ(known->resume_after_ms, 2100);
  EXPECT_TRUE(memory.recall("k", 4099).has_value());
  EXPECT_FALSE(memory.recall("k", 4100).has_value()) << "then Redis is asked again";
}

TEST(full_backlog_memory, the_window_is_at_least_a_twentieth_and_at_most_half_of_the_wait_budget) {
  // One place frees after 1 / 100 s; the backlog may drain by a twentieth of its bound first (2 s / 20).
  EXPECT_EQ(full_backlog_window_ms(budget(2000), 200, 200, 100.0), 100);
  // Far over the bound at a slow rate: trusted for half the budget at most.
  EXPECT_EQ(full_backlog_window_ms(budget(2000), 5000, 10, 1.0), 1000);
  EXPECT_EQ(full_backlog_window_ms(budget(600000), 2, 2, 1000.0), 10000) << "and never longer than 10 s";
  EXPECT_EQ(full_backlog_window_ms(budget(0), 2, 2, 1000.0), 50) << "without a budget: 50 ms to 1 s";
  EXPECT_EQ(full_backlog_window_ms(budget(0), 2, 2, 0.001), 1000);
  EXPECT_EQ(full_backlog_window_ms(budget(2000), 2, 2, 0.0), 0) << "a rate of zero is no rate";
}

TEST(full_backlog_memory, a_full_backlog_for_one_requirement_set_does_not_refuse_another) {
  full_backlog_memory memory(budget(2000));
  const auto spanish = requirement_set_of(en_to("es"));
  const auto german = requirement_set_of(en_to("de"));
  ASSERT_NE(spanish, german);
  memory.remember(spanish, 0, 40, 40, 20.0);
  EXPECT_TRUE(memory.recall(spanish, 10).has_value());
  EXPECT_FALSE(memory.recall(german, 10).has_value()) << "its nodes may have room: it asks Redis";
}

TEST(full_backlog_memory, requirement_sets_differ_by_services_and_by_the_sticky_node) {
  auto subtitles = en_to("es");
  subtitles.services = {"asr", "nmt"};
  auto pinned = en_to("es");
  pinned.sticky_node = "n1";  // a private node takes a job pinned to it
  EXPECT_NE(requirement_set_of(en_to("es")), requirement_set_of(subtitles));
  EXPECT_NE(requirement_set_of(en_to("es")), requirement_set_of(pinned));
  EXPECT_EQ(requirement_set_of(en_to("es")), requirement_set_of(en_to("es")));
}

TEST(full_backlog_memory, a_placed_job_or_lost_redis_data_forgets_the_full_backlog) {
  full_backlog_memory memory(budget(2000));
  memory.remember("a", 0, 10, 10, 5.0);
  memory.remember("b", 0, 10, 10, 5.0);
  memory.forget("a");
  EXPECT_FALSE(memory.recall("a", 1).has_value());
  EXPECT_TRUE(memory.recall("b", 1).has_value());
  memory.forget_all();
  EXPECT_FALSE(memory.recall("b", 1).has_value());
}

TEST(full_backlog_memory, a_refusal_without_a_rate_replaces_what_was_remembered) {
  full_backlog_memory memory(budget(2000));
  memory.remember("k", 0, 10, 10, 5.0);
  EXPECT_EQ(memory.remember("k", 5, 10, 10, std::nullopt), 0);
  EXPECT_FALSE(memory.recall("k", 6).has_value());
}

TEST(full_backlog_memory, ended_windows_are_dropped_once_many_requirement_sets_were_seen) {
  full_backlog_memory memory(budget(2000));
  for (int i = 0; i < 64; ++i) memory.remember("old-" + std::to_string(i), 0, 1, 1, 100.0);  // 100 ms each
  EXPECT_EQ(memory.size(), 64u);
  memory.remember("new", 5000, 1, 1, 100.0);
  EXPECT_EQ(memory.size(), 1u);
}

}  // namespace
}  // namespace lingua::jobs
