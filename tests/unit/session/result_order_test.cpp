#include "session/result_order.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace lingua::session {
namespace {

using strings = std::vector<std::string>;

TEST(result_order, results_resolved_in_order_are_released_at_once) {
  result_order<std::string> order;
  order.expect(0, 0);
  order.expect(1, 0);
  order.resolve(0, "r0", 10);
  EXPECT_EQ(order.take_ready(10), strings{"r0"});
  order.resolve(1, "r1", 20);
  EXPECT_EQ(order.take_ready(20), strings{"r1"});
  EXPECT_EQ(order.pending(), 0U);
  EXPECT_EQ(order.next_deadline(), std::nullopt);
}

TEST(result_order, a_result_that_overtakes_an_earlier_one_waits_for_it) {
  result_order<std::string> order;
  order.expect(0, 0);
  order.expect(1, 0);
  order.expect(2, 0);
  order.resolve(2, "r2", 10);
  order.resolve(1, "r1", 20);
  EXPECT_TRUE(order.take_ready(30).empty());
  order.resolve(0, "r0", 40);
  EXPECT_EQ(order.take_ready(40), (strings{"r0", "r1", "r2"}));
}

TEST(result_order, a_gap_is_skipped_once_a_later_result_has_waited_max_gap_wait_ms) {
  result_order<std::string> order;
  order.expect(0, 0);
  order.expect(1, 0);
  order.resolve(1, "r1", 1000);
  EXPECT_EQ(order.next_deadline(), 6000);
  EXPECT_TRUE(order.take_ready(5999).empty());
  EXPECT_EQ(order.take_ready(6000), strings{"r1"});
  EXPECT_EQ(order.skipped_total(), 1U);
  EXPECT_EQ(order.next_index(), 2U);
}

TEST(result_order, a_run_of_missing_results_costs_one_wait_not_one_per_index) {
  result_order<std::string> order;
  for (std::uint64_t i = 0; i < 4; ++i) order.expect(i, 0);
  order.resolve(3, "r3", 0);
  EXPECT_EQ(order.take_ready(5000), strings{"r3"});
  EXPECT_EQ(order.skipped_total(), 3U);
}

TEST(result_order, each_held_result_is_released_when_its_own_wait_ends) {
  result_order<std::string> order;
  for (std::uint64_t i = 0; i < 5; ++i) order.expect(i, 0);
  order.resolve(2, "r2", 0);
  order.resolve(4, "r4", 3000);
  EXPECT_EQ(order.take_ready(5000), strings{"r2"});
  EXPECT_EQ(order.next_deadline(), 8000);
  order.resolve(3, "r3", 6000);
  EXPECT_EQ(order.take_ready(6000), (strings{"r3", "r4"}));
}

TEST(result_order, a_gap_with_nothing_behind_it_is_never_a_deadline) {
  result_order<std::string> order;
  order.expect(0, 0);
  EXPECT_EQ(order.next_deadline(), std::nullopt);
  EXPECT_TRUE(order.take_ready(1000000).empty());
  order.resolve(0, "r0", 1000000);
  EXPECT_EQ(order.take_ready(1000000), strings{"r0"});
}

TEST(result_order, a_late_result_for_a_skipped_index_is_still_released_once) {
  result_order<std::string> order;
  order.expect(0, 0);
  order.expect(1, 0);
  order.resolve(1, "r1", 0);
  EXPECT_EQ(order.take_ready(5000), strings{"r1"});
  order.resolve(0, "late r0", 7000);
  EXPECT_EQ(order.next_deadline(), 7000);
  EXPECT_EQ(order.take_ready(7000), strings{"late r0"});
  EXPECT_EQ(order.late_total(), 1U);
  order.resolve(0, "again r0", 8000);
  EXPECT_TRUE(order.take_ready(8000).empty());
}

TEST(result_order, a_duplicate_resolve_of_a_released_index_is_dropped) {
  result_order<std::string> order;
  order.expect(0, 0);
  order.resolve(0, "r0", 0);
  EXPECT_EQ(order.take_ready(0), strings{"r0"});
  order.resolve(0, "r0 again", 10);
  EXPECT_TRUE(order.take_ready(10).empty());
  EXPECT_EQ(order.next_deadline(), std::nullopt);
}

TEST(result_order, before_release_the_first_payload_wins_and_nothing_to_show_never_erases_it) {
  result_order<std::string> order;
  order.expect(0, 0);
  order.resolve(1, std::nullopt, 0);
  order.resolve(1, "r1", 1);
  order.resolve(1, "r1 duplicate", 2);
  order.resolve(1, std::nullopt, 3);
  order.resolve(0, "r0", 4);
  EXPECT_EQ(order.take_ready(4), (strings{"r0", "r1"}));
}

TEST(result_order, nothing_to_show_lets_the_order_move_on) {
  result_order<std::string> order;
  order.expect(0, 0);
  order.expect(1, 0);
  order.resolve(1, "r1", 10);
  order.resolve(0, std::nullopt, 20);
  EXPECT_EQ(order.take_ready(20), strings{"r1"});
  EXPECT_EQ(order.skipped_total(), 0U);
}

TEST(result_order, results_never_expected_are_ordered_too) {
  result_order<std::string> order;
  order.resolve(1, "r1", 0);
  EXPECT_TRUE(order.take_ready(100).empty());
  order.resolve(0, "r0", 200);
  EXPECT_EQ(order.take_ready(200), (strings{"r0", "r1"}));
}

TEST(result_order, beyond_max_pending_the_oldest_gap_is_skipped) {
  result_order<std::string> order(result_order_config{.max_gap_wait_ms = 5000, .max_pending = 3, .first_index = 0});
  order.expect(0, 0);
  order.resolve(1, "r1", 0);
  order.resolve(2, "r2", 0);
  order.resolve(3, "r3", 0);  // four held: index 0 gives way
  EXPECT_EQ(order.take_ready(0), (strings{"r1", "r2", "r3"}));
  EXPECT_EQ(order.skipped_total(), 1U);
}

TEST(result_order, beyond_max_pending_unanswered_expectations_are_dropped_oldest_first) {
  result_order<std::string> order(result_order_config{.max_gap_wait_ms = 5000, .max_pending = 2, .first_index = 0});
  order.expect(0, 0);
  order.expect(1, 0);
  order.expect(2, 0);
  EXPECT_EQ(order.pending(), 2U);
  EXPECT_EQ(order.next_index(), 1U);
}

TEST(result_order, flush_releases_everything_resolved_in_index_order) {
  result_order<std::string> order;
  for (std::uint64_t i = 0; i < 4; ++i) order.expect(i, 0);
  order.resolve(3, "r3", 0);
  order.resolve(1, "r1", 0);
  EXPECT_EQ(order.flush(), (strings{"r1", "r3"}));
  EXPECT_EQ(order.pending(), 0U);
  EXPECT_EQ(order.next_deadline(), std::nullopt);
}

TEST(result_order, the_first_index_is_configurable) {
  result_order<std::string> order(result_order_config{.max_gap_wait_ms = 5000, .max_pending = 200, .first_index = 7});
  order.resolve(7, "r7", 0);
  order.resolve(3, "stale", 0);
  EXPECT_EQ(order.take_ready(0), strings{"r7"});
}

TEST(result_order, payloads_may_be_move_only) {
  result_order<std::unique_ptr<int>> order;
  order.resolve(1, std::make_unique<int>(1), 0);
  order.resolve(0, std::make_unique<int>(0), 0);
  const auto ready = order.take_ready(0);
  ASSERT_EQ(ready.size(), 2U);
  EXPECT_EQ(*ready[0], 0);
  EXPECT_EQ(*ready[1], 1);
}

}  // namespace
}  // namespace lingua::session
