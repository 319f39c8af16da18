#include "session/utterance_groups.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lingua::session {
namespace {

TEST(utterance_groups, results_within_the_window_share_a_group_with_increasing_part_indices) {
  utterance_groups groups("s-1");
  const auto a = groups.on_result("hello", "hallo", 1000);
  const auto b = groups.on_result("world", "welt", 2500);
  const auto c = groups.on_result("again", "", 4500);  // 2000 after the last part: still inside
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->group_id, "group_s-1_1000");
  EXPECT_EQ(b->group_id, a->group_id);
  EXPECT_EQ(c->group_id, a->group_id);
  EXPECT_EQ(a->part_index, 0U);
  EXPECT_EQ(b->part_index, 1U);
  EXPECT_EQ(c->part_index, 2U);
  EXPECT_EQ(groups.context_text(), "User: hello\nTarget: hallo\nUser: world\nTarget: welt\nUser: again\n");
}

TEST(utterance_groups, a_result_after_the_window_starts_a_new_group) {
  utterance_groups groups("s-1");
  const auto a = groups.on_result("hello", "hallo", 1000);
  const auto b = groups.on_result("world", "welt", 3001);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->group_id, "group_s-1_3001");
  EXPECT_EQ(b->part_index, 0U);
  EXPECT_EQ(groups.active_group_id(), "group_s-1_3001");
  EXPECT_EQ(groups.context_text(), "User: world\nTarget: welt\n");
}

TEST(utterance_groups, results_without_asr_text_are_not_grouped) {
  utterance_groups groups("s-1");
  EXPECT_EQ(groups.on_result("", "x", 0), std::nullopt);
  EXPECT_EQ(groups.active_group_id(), std::nullopt);
  EXPECT_EQ(groups.context_text(), "");
}

TEST(utterance_groups, the_end_of_tts_playback_extends_the_window) {
  utterance_groups groups("s-1");
  const auto a = groups.on_result("hello", "hallo", 0);
  ASSERT_TRUE(a);
  EXPECT_TRUE(groups.on_tts_started(a->group_id, 500));
  EXPECT_TRUE(groups.on_tts_ended(a->group_id, 4000));
  const auto b = groups.on_result("world", "welt", 5500);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->group_id, a->group_id);
}

TEST(utterance_groups, a_result_while_tts_is_playing_joins_the_playing_group) {
  utterance_groups groups("s-1");
  const auto a = groups.on_result("hello", "hallo", 0);
  ASSERT_TRUE(a);
  groups.on_tts_started(a->group_id, 1000);
  const auto b = groups.on_result("world", "welt", 9000);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->group_id, a->group_id);
}

TEST(utterance_groups, a_group_keeps_only_its_last_parts_for_context_but_keeps_counting) {
  utterance_groups groups("s-1");
  std::optional<group_placement> last;
  for (int i = 0; i < 9; ++i) last = groups.on_result("u" + std::to_string(i), "", 100 * i);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->part_index, 8U);
  EXPECT_EQ(last->group_id, "group_s-1_0");
  EXPECT_EQ(groups.context_text(), "User: u1\nUser: u2\nUser: u3\nUser: u4\nUser: u5\nUser: u6\nUser: u7\nUser: u8\n");
}

TEST(utterance_groups, the_context_drops_the_oldest_parts_to_stay_within_the_byte_limit) {
  utterance_groups groups("s-1");
  const std::string long_text(300, 'x');
  groups.on_result(long_text, "", 0);         // 307 bytes rendered
  groups.on_result(long_text, "", 100);       // 614
  groups.on_result(long_text, "short", 200);  // 614 + 321 > 800: the oldest goes
  const std::string context = groups.context_text();
  EXPECT_EQ(context, "User: " + long_text + "\nUser: " + long_text + "\nTarget: short\n");
  EXPECT_LE(context.size(), 800U);
}

TEST(utterance_groups, an_oversized_part_is_cut_at_a_utf8_character_boundary) {
  utterance_groups groups("s-1");
  std::string chinese;
  for (int i = 0; i < 400; ++i) chinese += "\xe4\xbd\xa0";  // 你, 3 bytes each
  groups.on_result(chinese, "", 0);
  const std::string context = groups.context_text();
  // "User: " is 6 bytes; 794 more bytes would end inside a character, so the cut falls back to 6 + 264 * 3.
  EXPECT_EQ(context.size(), 6U + 264U * 3U);
  EXPECT_EQ(context.substr(0, 6), "User: ");
  EXPECT_EQ(context.substr(6), chinese.substr(0, 264 * 3));
}

TEST(utterance_groups, utf8_prefix_never_splits_a_character) {
  const std::string text = "a\xc3\xa9" "b";  // a é b
  EXPECT_EQ(utf8_prefix(text, 10), text);
  EXPECT_EQ(utf8_prefix(text, 2), "a");
  EXPECT_EQ(utf8_prefix(text, 3), "a\xc3\xa9");
  EXPECT_EQ(utf8_prefix(text, 0), "");
}

TEST(utterance_groups, tts_is_playing_between_started_and_ended) {
  utterance_groups groups("s-1");
  const auto a = groups.on_result("hello", "hallo", 0);
  ASSERT_TRUE(a);
  EXPECT_FALSE(groups.is_tts_playing(100));
  groups.on_tts_started(a->group_id, 200);
  EXPECT_TRUE(groups.is_tts_playing(300));
  groups.on_tts_ended(a->group_id, 1500);
  EXPECT_FALSE(groups.is_tts_playing(1600));
}

TEST(utterance_groups, tts_without_an_end_stops_counting_as_playing_after_the_limit) {
  utterance_groups groups("s-1", utterance_group_config{.max_tts_playback_ms = 10000});
  const auto a = groups.on_result("hello", "hallo", 0);
  ASSERT_TRUE(a);
  groups.on_tts_started(a->group_id, 0);
  EXPECT_TRUE(groups.is_tts_playing(10000));
  EXPECT_FALSE(groups.is_tts_playing(10001));
}

TEST(utterance_groups, tts_events_for_an_unknown_group_are_reported_and_ignored) {
  utterance_groups groups("s-1");
  EXPECT_FALSE(groups.on_tts_started("group_s-1_42", 0));
  EXPECT_FALSE(groups.on_tts_ended("group_s-1_42", 0));
  EXPECT_FALSE(groups.is_tts_playing(0));
}

TEST(utterance_groups, tts_of_an_older_group_still_counts_as_playing) {
  utterance_groups groups("s-1");
  const auto a = groups.on_result("hello", "hallo", 0);
  const auto b = groups.on_result("world", "welt", 5000);
  ASSERT_TRUE(a && b);
  ASSERT_NE(a->group_id, b->group_id);
  EXPECT_TRUE(groups.on_tts_started(a->group_id, 5100));
  EXPECT_TRUE(groups.is_tts_playing(5200));
}

}  // namespace
}  // namespace lingua::session
