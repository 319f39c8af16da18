#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "node/engines/audio.hpp"

namespace lingua::node {
namespace {

pcm16 tone(double hz, unsigned rate, std::size_t samples) {
  pcm16 out(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    out[i] = static_cast<std::int16_t>(8000 * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / rate));
  }
  return out;
}

TEST(NodeAudio, OpusPlanARoundTripKeepsTheSignal) {
  const pcm16 original = tone(440, sample_rate_hz, sample_rate_hz);  // one second
  const std::string plan_a = encode_plan_a(original);
  // 50 records of 20 ms, each [u16 LE length][packet].
  std::size_t records = 0;
  for (std::size_t at = 0; at < plan_a.size(); ++records) {
    at += 2 + (std::size_t{static_cast<unsigned char>(plan_a[at])} | (std::size_t{static_cast<unsigned char>(plan_a[at + 1])} << 8));
  }
  EXPECT_EQ(records, 50u);
  const pcm16 decoded = decode_plan_a(plan_a);
  ASSERT_EQ(decoded.size(), original.size());
  EXPECT_NEAR(rms(decoded), rms(original), rms(original) * 0.2);
}

TEST(NodeAudio, TruncatedPlanAIsRefused) {
  std::string plan_a = encode_plan_a(tone(440, sample_rate_hz, 640));
  plan_a.pop_back();
  EXPECT_THROW(decode_plan_a(plan_a), engine_error);
  EXPECT_THROW(decode_plan_a(std::string(1, '\x05')), engine_error);
}

TEST(NodeAudio, ResamplingKeepsDurationAndLevel) {
  const pcm16 in = tone(300, 22050, 22050);
  const pcm16 out = resample(in, 22050, sample_rate_hz);
  EXPECT_NEAR(static_cast<double>(out.size()), 16000.0, 2.0);
  EXPECT_NEAR(rms(out), rms(in), rms(in) * 0.05);
  // A tone above the new Nyquist frequency is filtered out.
  EXPECT_LT(rms(resample(tone(10000, 22050, 22050), 22050, sample_rate_hz)), rms(in) * 0.2);
}

TEST(NodeAudio, Pcm16BytesAreLittleEndian) {
  const std::string bytes("\x01\x02\xff\xff", 4);
  EXPECT_EQ(pcm16_from_bytes(bytes), (pcm16{0x0201, -1}));
}

}  // namespace
}  // namespace lingua::node
