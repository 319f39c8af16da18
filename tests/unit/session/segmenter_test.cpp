#include "session/segmenter.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace lingua::session {
namespace {

// pcm16 at 16 kHz: 32 bytes per millisecond, so durations are easy to read.
std::string pcm(std::int64_t ms, char fill = 'a') { return std::string(static_cast<std::size_t>(ms) * 32, fill); }

// The cutting rules below are about timing, not content: skipping silent cuts (tested at the end) is off here.
segmenter_config pcm_config() {
  segmenter_config config;
  config.audio_format = "pcm16";
  config.sample_rate = 16000;
  config.speech.skip_silent_cuts = false;
  return config;
}

turn_id_generator counting_turn_ids() {
  return [n = 0]() mutable { return "turn-" + std::to_string(++n); };
}

segmenter make(segmenter_config config = pcm_config()) { return segmenter(std::move(config), counting_turn_ids()); }

TEST(segmenter, is_final_cuts_a_manual_utterance_once_the_manual_hangover_has_passed) {
  auto s = make();
  EXPECT_TRUE(s.on_chunk(0, pcm(100), false, std::nullopt).empty());
  EXPECT_TRUE(s.on_chunk(100, "", true, std::nullopt).empty());
  EXPECT_EQ(s.next_deadline(), 300);
  EXPECT_TRUE(s.on_timer(299).empty());
  const auto cuts = s.on_timer(300);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].utterance_index, 0U);
  EXPECT_EQ(cuts[0].reason, cut_reason::manual);
  EXPECT_EQ(cuts[0].audio, pcm(100));
  EXPECT_EQ(cuts[0].padding_ms, 280);
  EXPECT_TRUE(cuts[0].is_manual_cut);
  EXPECT_FALSE(cuts[0].is_timeout_triggered);
  EXPECT_FALSE(cuts[0].is_max_duration_triggered);
  EXPECT_EQ(cuts[0].audio_duration_ms, 100);
  EXPECT_EQ(cuts[0].turn_id, "turn-1");
  EXPECT_EQ(s.next_deadline(), std::nullopt);
  EXPECT_EQ(s.next_utterance_index(), 1U);
}

TEST(segmenter, the_payload_of_an_is_final_chunk_belongs_to_the_utterance_it_ends) {
  auto s = make();
  s.on_chunk(0, pcm(100, 'a'), false, std::nullopt);
  s.on_chunk(50, pcm(100, 'b'), true, std::nullopt);
  const auto cuts = s.on_timer(250);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].audio, pcm(100, 'a') + pcm(100, 'b'));
}

TEST(segmenter, chunks_arriving_during_the_manual_hangover_join_the_closing_utterance) {
  auto s = make();
  s.on_chunk(0, pcm(100, 'a'), false, std::nullopt);
  s.on_chunk(100, "", true, std::nullopt);
  EXPECT_TRUE(s.on_chunk(250, pcm(50, 'b'), false, std::nullopt).empty());
  // A chunk arriving exactly at the deadline starts the next utterance.
  const auto cuts = s.on_chunk(300, pcm(50, 'c'), false, std::nullopt);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].audio, pcm(100, 'a') + pcm(50, 'b'));
  EXPECT_EQ(s.buffered_bytes(), pcm(50).size());
  s.on_chunk(400, "", true, std::nullopt);
  const auto next = s.on_timer(600);
  ASSERT_EQ(next.size(), 1U);
  EXPECT_EQ(next[0].utterance_index, 1U);
  EXPECT_EQ(next[0].audio, pcm(50, 'c'));
}

TEST(segmenter, a_zero_manual_hangover_emits_the_cut_at_once) {
  auto config = pcm_config();
  config.hangover_manual_ms = 0;
  auto s = make(config);
  s.on_chunk(0, pcm(100), false, std::nullopt);
  const auto cuts = s.on_chunk(10, "", true, std::nullopt);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::manual);
}

TEST(segmenter, a_chunk_arriving_after_a_pause_starts_the_next_utterance) {
  auto s = make();
  s.on_chunk(0, pcm(100, 'a'), false, std::nullopt);
  EXPECT_TRUE(s.on_chunk(2999, pcm(100, 'b'), false, std::nullopt).empty());
  const auto cuts = s.on_chunk(2999 + 3500, pcm(100, 'c'), false, std::nullopt);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::pause);
  EXPECT_EQ(cuts[0].audio, pcm(100, 'a') + pcm(100, 'b'));
  EXPECT_TRUE(cuts[0].is_timeout_triggered);
  EXPECT_FALSE(cuts[0].is_manual_cut);
  EXPECT_FALSE(cuts[0].is_max_duration_triggered);
  EXPECT_EQ(cuts[0].padding_ms, 220);
  // The late chunk is the start of utterance 1, not the tail of utterance 0.
  const auto next = s.close(7000);
  ASSERT_EQ(next.size(), 1U);
  EXPECT_EQ(next[0].utterance_index, 1U);
  EXPECT_EQ(next[0].audio, pcm(100, 'c'));
}

TEST(segmenter, a_gap_of_exactly_pause_ms_is_a_pause) {
  auto s = make();
  s.on_chunk(0, pcm(100, 'a'), false, std::nullopt);
  const auto cuts = s.on_chunk(3000, pcm(100, 'b'), false, std::nullopt);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].audio, pcm(100, 'a'));
}

TEST(segmenter, the_pause_timer_cuts_when_no_chunk_arrives_for_pause_ms) {
  auto s = make();
  s.on_chunk(0, pcm(100, 'a'), false, std::nullopt);
  s.on_chunk(1000, pcm(100, 'b'), false, std::nullopt);
  EXPECT_EQ(s.next_deadline(), 4000);
  EXPECT_TRUE(s.on_timer(3999).empty());
  const auto cuts = s.on_timer(4000);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::pause);
  EXPECT_EQ(cuts[0].audio, pcm(100, 'a') + pcm(100, 'b'));
  EXPECT_EQ(s.next_deadline(), std::nullopt);
  EXPECT_TRUE(s.on_timer(9000).empty());
}

TEST(segmenter, empty_marker_chunks_do_not_move_the_pause_baseline) {
  auto s = make();
  s.on_chunk(0, pcm(100), false, std::nullopt);
  EXPECT_TRUE(s.on_chunk(2000, "", false, std::nullopt).empty());
  EXPECT_EQ(s.next_deadline(), 3000);
  const auto cuts = s.on_chunk(3000, "", false, std::nullopt);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::pause);
}

TEST(segmenter, tts_playback_moves_the_pause_baseline) {
  auto s = make();
  s.on_chunk(0, pcm(100, 'a'), false, std::nullopt);
  s.on_playback(2000);
  EXPECT_EQ(s.next_deadline(), 5000);
  EXPECT_TRUE(s.on_chunk(4000, pcm(100, 'b'), false, std::nullopt).empty());
  const auto cuts = s.on_timer(7000);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].audio, pcm(100, 'a') + pcm(100, 'b'));
}

TEST(segmenter, reaching_max_duration_cuts_after_the_auto_hangover_including_late_chunks) {
  auto config = pcm_config();
  config.max_duration_ms = 1000;
  auto s = make(config);
  s.on_chunk(0, pcm(500, 'a'), false, std::nullopt);
  EXPECT_TRUE(s.on_chunk(500, pcm(500, 'b'), false, std::nullopt).empty());
  EXPECT_EQ(s.next_deadline(), 650);
  EXPECT_TRUE(s.on_chunk(600, pcm(100, 'c'), false, std::nullopt).empty());
  const auto cuts = s.on_timer(650);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::max_duration);
  EXPECT_EQ(cuts[0].audio, pcm(500, 'a') + pcm(500, 'b') + pcm(100, 'c'));
  EXPECT_EQ(cuts[0].audio_duration_ms, 1100);
  EXPECT_TRUE(cuts[0].is_max_duration_triggered);
  EXPECT_FALSE(cuts[0].is_manual_cut);
  EXPECT_TRUE(cuts[0].is_timeout_triggered) << "close_turns_at_limits (default): the node does not hold the turn";
  EXPECT_EQ(cuts[0].padding_ms, 220);
}

TEST(segmenter, without_close_turns_at_limits_a_limit_cut_carries_only_its_own_flag_and_still_continues_its_turn) {
  auto config = pcm_config();
  config.max_duration_ms = 1000;
  config.hangover_auto_ms = 0;
  config.close_turns_at_limits = false;
  auto s = make(config);
  const auto first = s.on_chunk(0, pcm(1000, 'a'), false, std::nullopt);
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0].reason, cut_reason::max_duration);
  EXPECT_TRUE(first[0].is_max_duration_triggered);
  EXPECT_FALSE(first[0].is_timeout_triggered);
  const auto second = s.on_chunk(100, pcm(200, 'b'), true, std::nullopt);
  ASSERT_EQ(second.size(), 0U) << "manual hangover";
  const auto closing = s.on_timer(100 + config.hangover_manual_ms);
  ASSERT_EQ(closing.size(), 1U);
  EXPECT_EQ(closing[0].turn_id, first[0].turn_id) << "the turn goes on either way";
}

TEST(segmenter, max_duration_uses_the_plan_a_estimate_for_opus) {
  segmenter s(segmenter_config{}, counting_turn_ids());  // opus, 10 s
  std::string record;
  record.push_back(static_cast<char>(60));
  record.push_back('\0');
  record.append(60, 'x');
  std::string chunk;
  for (int i = 0; i < 25; ++i) chunk += record;  // 500 ms
  for (int i = 0; i < 19; ++i) s.on_chunk(i * 500, chunk, false, std::nullopt);
  EXPECT_EQ(s.next_deadline(), 18 * 500 + 3000);
  s.on_chunk(19 * 500, chunk, false, std::nullopt);  // 10 000 ms buffered
  EXPECT_EQ(s.next_deadline(), 19 * 500 + 150);
  const auto cuts = s.on_timer(19 * 500 + 150);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::max_duration);
  EXPECT_EQ(cuts[0].audio_duration_ms, 10000);
}

TEST(segmenter, consecutive_max_duration_cuts_share_a_turn_and_a_manual_cut_ends_it) {
  auto config = pcm_config();
  config.max_duration_ms = 1000;
  auto s = make(config);
  s.on_chunk(0, pcm(1000), false, std::nullopt);
  auto first = s.on_timer(150);
  s.on_chunk(200, pcm(1000), false, std::nullopt);
  auto second = s.on_timer(350);
  s.on_chunk(400, pcm(300), true, std::nullopt);
  auto third = s.on_timer(600);
  s.on_chunk(700, pcm(300), true, std::nullopt);
  auto fourth = s.on_timer(900);
  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(second.size(), 1U);
  ASSERT_EQ(third.size(), 1U);
  ASSERT_EQ(fourth.size(), 1U);
  EXPECT_EQ(first[0].turn_id, "turn-1");
  EXPECT_EQ(second[0].turn_id, "turn-1");
  EXPECT_EQ(third[0].reason, cut_reason::manual);
  EXPECT_EQ(third[0].turn_id, "turn-1");  // the manual cut closes the continuing turn ...
  EXPECT_EQ(fourth[0].turn_id, "turn-2");  // ... and the next utterance opens a new one
}

TEST(segmenter, a_pause_cut_ends_the_turn) {
  auto s = make();
  s.on_chunk(0, pcm(100), false, std::nullopt);
  const auto first = s.on_timer(3000);
  s.on_chunk(5000, pcm(100), false, std::nullopt);
  const auto second = s.on_timer(8000);
  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(first[0].turn_id, "turn-1");
  EXPECT_EQ(second[0].turn_id, "turn-2");
}

TEST(segmenter, silence_after_a_max_duration_cut_ends_the_turn_even_with_nothing_buffered) {
  auto config = pcm_config();
  config.max_duration_ms = 1000;
  auto s = make(config);
  s.on_chunk(0, pcm(1000), false, std::nullopt);
  const auto first = s.on_timer(150);
  const auto second_cuts = s.on_chunk(4000, pcm(100), false, std::nullopt);
  EXPECT_TRUE(second_cuts.empty());
  const auto second = s.on_timer(7000);
  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(second.size(), 1U);
  EXPECT_NE(first[0].turn_id, second[0].turn_id);
}

TEST(segmenter, is_final_during_a_max_duration_hangover_turns_it_into_a_manual_cut) {
  auto config = pcm_config();
  config.max_duration_ms = 1000;
  auto s = make(config);
  s.on_chunk(0, pcm(1000, 'a'), false, std::nullopt);
  EXPECT_TRUE(s.on_chunk(100, pcm(50, 'b'), true, std::nullopt).empty());
  EXPECT_EQ(s.next_deadline(), 300);
  EXPECT_TRUE(s.on_timer(150).empty());
  const auto cuts = s.on_timer(300);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::manual);
  EXPECT_TRUE(cuts[0].is_manual_cut);
  EXPECT_FALSE(cuts[0].is_max_duration_triggered);
  EXPECT_EQ(cuts[0].audio, pcm(1000, 'a') + pcm(50, 'b'));
}

TEST(segmenter, an_overflowing_buffer_is_cut_at_once_without_padding_and_closes_the_turn_for_the_node) {
  auto config = pcm_config();
  config.max_duration_ms = 0;
  config.max_buffer_bytes = 32000;
  auto s = make(config);
  EXPECT_TRUE(s.on_chunk(0, pcm(600, 'a'), false, std::nullopt).empty());
  const auto cuts = s.on_chunk(100, pcm(600, 'b'), false, std::nullopt);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::max_buffer);
  EXPECT_EQ(cuts[0].audio, pcm(600, 'a') + pcm(600, 'b'));
  EXPECT_EQ(cuts[0].padding_ms, 0);
  EXPECT_FALSE(cuts[0].is_manual_cut);
  EXPECT_TRUE(cuts[0].is_timeout_triggered) << "close_turns_at_limits (default)";
  EXPECT_FALSE(cuts[0].is_max_duration_triggered);
  EXPECT_EQ(s.next_deadline(), std::nullopt);
}

TEST(segmenter, a_buffer_of_exactly_max_buffer_bytes_is_not_cut) {
  auto config = pcm_config();
  config.max_duration_ms = 0;
  config.max_buffer_bytes = 32000;
  auto s = make(config);
  EXPECT_TRUE(s.on_chunk(0, pcm(1000), false, std::nullopt).empty());
}

TEST(segmenter, a_max_buffer_cut_continues_the_turn) {
  auto config = pcm_config();
  config.max_duration_ms = 0;
  config.max_buffer_bytes = 32000;
  auto s = make(config);
  const auto first = s.on_chunk(0, pcm(1100), false, std::nullopt);
  s.on_chunk(100, pcm(100), true, std::nullopt);
  const auto second = s.on_timer(300);
  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(first[0].turn_id, second[0].turn_id);
}

TEST(segmenter, an_overflow_during_a_hangover_emits_the_pending_cut_at_once) {
  auto config = pcm_config();
  config.max_buffer_bytes = 32000;
  auto s = make(config);
  s.on_chunk(0, pcm(900, 'a'), true, std::nullopt);
  const auto cuts = s.on_chunk(50, pcm(200, 'b'), false, std::nullopt);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::manual);
  EXPECT_EQ(cuts[0].padding_ms, 280);
  EXPECT_EQ(cuts[0].audio, pcm(900, 'a') + pcm(200, 'b'));
  EXPECT_EQ(s.next_deadline(), std::nullopt);
}

TEST(segmenter, is_final_with_nothing_buffered_emits_nothing_and_keeps_the_index) {
  auto s = make();
  EXPECT_TRUE(s.on_chunk(0, "", true, std::nullopt).empty());
  EXPECT_EQ(s.next_deadline(), std::nullopt);
  EXPECT_TRUE(s.on_timer(1000).empty());
  EXPECT_EQ(s.next_utterance_index(), 0U);
  s.on_chunk(1000, pcm(100), true, std::nullopt);
  const auto cuts = s.on_timer(1200);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].utterance_index, 0U);
}

TEST(segmenter, indices_advance_only_on_emitted_cuts) {
  auto s = make();
  std::vector<std::uint64_t> indices;
  std::int64_t t = 0;
  for (int i = 0; i < 3; ++i) {
    s.on_chunk(t, "", true, std::nullopt);  // empty manual cut: nothing
    s.on_chunk(t + 10, pcm(100), true, std::nullopt);
    for (const auto& cut : s.on_timer(t + 210)) indices.push_back(cut.utterance_index);
    t += 1000;
  }
  EXPECT_EQ(indices, (std::vector<std::uint64_t>{0, 1, 2}));
}

TEST(segmenter, close_flushes_buffered_audio_without_hangover_and_closes) {
  auto s = make();
  s.on_chunk(0, pcm(100), false, std::nullopt);
  const auto cuts = s.close(100);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::session_close);
  EXPECT_EQ(cuts[0].padding_ms, 220);
  EXPECT_FALSE(cuts[0].is_manual_cut);
  EXPECT_FALSE(cuts[0].is_timeout_triggered);
  EXPECT_FALSE(cuts[0].is_max_duration_triggered);
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(s.next_deadline(), std::nullopt);
  EXPECT_TRUE(s.on_chunk(200, pcm(100), true, std::nullopt).empty());
  EXPECT_TRUE(s.on_timer(10000).empty());
  EXPECT_TRUE(s.close(10000).empty());
}

TEST(segmenter, close_with_nothing_buffered_emits_nothing) {
  auto s = make();
  EXPECT_TRUE(s.close(0).empty());
  EXPECT_EQ(s.next_utterance_index(), 0U);
}

TEST(segmenter, close_during_a_hangover_emits_the_pending_cut_with_its_own_reason) {
  auto s = make();
  s.on_chunk(0, pcm(100), true, std::nullopt);
  const auto cuts = s.close(50);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::manual);
}

TEST(segmenter, close_applies_a_pause_that_was_already_due) {
  auto s = make();
  s.on_chunk(0, pcm(100), false, std::nullopt);
  const auto cuts = s.close(5000);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].reason, cut_reason::pause);
}

TEST(segmenter, a_late_event_emits_the_due_cut_before_handling_its_chunk) {
  auto s = make();
  s.on_chunk(0, pcm(100, 'a'), true, std::nullopt);
  const auto cuts = s.on_chunk(1000, pcm(100, 'b'), true, std::nullopt);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].audio, pcm(100, 'a'));
  EXPECT_EQ(s.next_deadline(), 1200);
}

TEST(segmenter, the_first_chunk_client_timestamp_is_that_of_each_utterances_first_audio) {
  auto s = make();
  s.on_chunk(0, "", false, 50);  // a marker carries no audio
  s.on_chunk(10, pcm(100), false, 111);
  s.on_chunk(20, pcm(100), true, 222);
  const auto first = s.on_timer(220);
  s.on_chunk(300, pcm(100), true, std::nullopt);
  const auto second = s.on_timer(500);
  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(first[0].first_chunk_client_timestamp_ms, 111);
  EXPECT_EQ(second[0].first_chunk_client_timestamp_ms, std::nullopt);
}

TEST(segmenter, a_zero_pause_ms_disables_pause_cuts) {
  auto config = pcm_config();
  config.pause_ms = 0;
  auto s = make(config);
  s.on_chunk(0, pcm(100), false, std::nullopt);
  EXPECT_EQ(s.next_deadline(), std::nullopt);
  EXPECT_TRUE(s.on_chunk(100000, pcm(100), false, std::nullopt).empty());
  EXPECT_EQ(s.buffered_bytes(), pcm(200).size());
}

TEST(segmenter, the_default_turn_ids_are_distinct_uuid_v4_strings) {
  const std::regex uuid_v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  const std::string a = random_turn_id();
  const std::string b = random_turn_id();
  EXPECT_TRUE(std::regex_match(a, uuid_v4)) << a;
  EXPECT_TRUE(std::regex_match(b, uuid_v4)) << b;
  EXPECT_NE(a, b);
}

TEST(segmenter, cut_reasons_have_stable_names) {
  EXPECT_EQ(to_string(cut_reason::manual), "manual");
  EXPECT_EQ(to_string(cut_reason::pause), "pause");
  EXPECT_EQ(to_string(cut_reason::max_duration), "max_duration");
  EXPECT_EQ(to_string(cut_reason::max_buffer), "max_buffer");
  EXPECT_EQ(to_string(cut_reason::session_close), "session_close");
}

// ---- Silence (speech_presence.hpp) ----

// Plan A records: `count` packets of `size` bytes each.
std::string plan_a(std::size_t count, std::size_t size) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(static_cast<char>(size & 0xFF));
    out.push_back(static_cast<char>(size >> 8));
    out.append(size, '\x5a');
  }
  return out;
}

segmenter_config opus_config() {
  segmenter_config config;
  config.hangover_manual_ms = 0;
  return config;
}

TEST(segmenter, a_cut_of_only_silent_opus_packets_is_dropped_and_uses_no_index) {
  auto s = make(opus_config());
  auto cuts = s.on_chunk(0, plan_a(13, 60), true);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].utterance_index, 0U);
  EXPECT_TRUE(s.on_chunk(260, plan_a(13, 10), true).empty()) << "the web client's 260 ms silent cut";
  EXPECT_TRUE(s.on_chunk(520, plan_a(117, 9), true).empty()) << "its 2,340 ms cut of silence";
  EXPECT_EQ(s.skipped_silent_cuts(), 2U);
  cuts = s.on_chunk(800, plan_a(10, 55), true);
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].utterance_index, 1U) << "indices stay dense";
}

TEST(segmenter, a_cut_with_less_voiced_audio_than_min_speech_ms_is_dropped) {
  auto config = opus_config();
  config.speech.min_speech_ms = 100;
  auto s = make(config);
  EXPECT_TRUE(s.on_chunk(0, plan_a(4, 60) + plan_a(20, 8), true).empty()) << "80 ms of voice";
  EXPECT_EQ(s.on_chunk(100, plan_a(5, 60) + plan_a(20, 8), true).size(), 1U) << "100 ms of voice";
}

TEST(segmenter, audio_that_cannot_be_judged_is_never_dropped) {
  auto s = make(opus_config());
  EXPECT_EQ(s.on_chunk(0, std::string(40, '\0'), true).size(), 1U) << "not Plan A";
  auto config = opus_config();
  config.audio_format = "wav";
  auto other = make(config);
  EXPECT_EQ(other.on_chunk(0, std::string(40, '\0'), true).size(), 1U);
}

TEST(segmenter, quiet_pcm_is_silence_and_loud_pcm_is_speech) {
  auto config = pcm_config();
  config.speech.skip_silent_cuts = true;
  config.hangover_manual_ms = 0;
  auto s = make(config);
  EXPECT_TRUE(s.on_chunk(0, std::string(32 * 500, '\0'), true).empty());
  EXPECT_EQ(s.on_chunk(600, pcm(100), true).size(), 1U);
}

TEST(segmenter, skipping_can_be_turned_off) {
  auto config = opus_config();
  config.speech.skip_silent_cuts = false;
  auto s = make(config);
  EXPECT_EQ(s.on_chunk(0, plan_a(13, 10), true).size(), 1U);
}

}  // namespace
}  // namespace lingua::session
