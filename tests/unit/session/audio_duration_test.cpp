#include "session/audio_duration.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lingua::session {
namespace {

// A Plan A buffer: `records` records of [u16 LE length][packet of `packet_bytes` bytes].
std::string plan_a(std::size_t records, std::size_t packet_bytes) {
  std::string out;
  for (std::size_t i = 0; i < records; ++i) {
    out.push_back(static_cast<char>(packet_bytes & 0xFFU));
    out.push_back(static_cast<char>((packet_bytes >> 8U) & 0xFFU));
    out.append(packet_bytes, static_cast<char>(0x78));
  }
  return out;
}

TEST(audio_duration, pcm16_lasts_half_the_bytes_in_samples_at_the_sample_rate) {
  EXPECT_EQ(estimate_audio_duration_ms(std::string(32000, '\0'), audio_format::pcm16, 16000), 1000);
  EXPECT_EQ(estimate_audio_duration_ms(std::string(16000, '\0'), audio_format::pcm16, 16000), 500);
  EXPECT_EQ(estimate_audio_duration_ms(std::string(12800, '\0'), audio_format::pcm16, 16000), 400);
}

TEST(audio_duration, pcm16_with_a_zero_sample_rate_has_no_duration) {
  EXPECT_EQ(estimate_audio_duration_ms(std::string(32000, '\0'), audio_format::pcm16, 0), 0);
}

TEST(audio_duration, opus_that_is_not_plan_a_falls_back_to_sixty_bytes_per_twenty_ms) {
  const auto ms = estimate_audio_duration_ms(std::string(3000, '\0'), audio_format::opus, 16000);
  EXPECT_GE(ms, 800);
  EXPECT_LE(ms, 1200);
  EXPECT_EQ(ms, 1000);
  EXPECT_EQ(estimate_audio_duration_ms(std::string(119, '\x01'), audio_format::opus, 16000), 20);
}

TEST(audio_duration, a_plan_a_buffer_lasts_twenty_ms_per_record) {
  const std::string buffer = plan_a(50, 60);
  EXPECT_EQ(count_plan_a_packets(buffer), 50U);
  EXPECT_EQ(estimate_audio_duration_ms(buffer, audio_format::opus, 16000), 1000);
  // Small packets (DTX-like) still count one frame each, where the byte-rate guess would say far less.
  EXPECT_EQ(estimate_audio_duration_ms(plan_a(50, 3), audio_format::opus, 16000), 1000);
}

TEST(audio_duration, a_truncated_or_zero_length_record_is_not_plan_a) {
  std::string truncated = plan_a(10, 60);
  truncated.pop_back();
  EXPECT_EQ(count_plan_a_packets(truncated), std::nullopt);
  EXPECT_EQ(count_plan_a_packets(std::string(4, '\0')), std::nullopt);
  EXPECT_EQ(count_plan_a_packets(plan_a(1, 1276)), std::nullopt);
  EXPECT_EQ(count_plan_a_packets(""), 0U);
}

TEST(audio_duration, an_unknown_format_has_no_duration) {
  EXPECT_EQ(parse_audio_format("wav"), audio_format::unknown);
  EXPECT_EQ(estimate_audio_duration_ms(std::string(32000, '\0'), audio_format::unknown, 16000), 0);
}

TEST(audio_duration, format_names_are_case_insensitive) {
  EXPECT_EQ(parse_audio_format("opus"), audio_format::opus);
  EXPECT_EQ(parse_audio_format("OPUS"), audio_format::opus);
  EXPECT_EQ(parse_audio_format("Pcm16"), audio_format::pcm16);
}

}  // namespace
}  // namespace lingua::session
