#include "session/speech_presence.hpp"

#include <cmath>
#include <optional>

namespace lingua::session {

std::optional<std::int64_t> estimate_voiced_ms(std::string_view bytes, audio_format format, std::uint32_t sample_rate,
                                               const speech_presence_config& config) {
  switch (format) {
    case audio_format::opus: {
      if (!count_plan_a_packets(bytes)) return std::nullopt;  // not Plan A: cannot tell
      std::int64_t voiced = 0;
      std::size_t at = 0;
      while (at + 2 <= bytes.size()) {
        const auto lo = static_cast<std::size_t>(static_cast<unsigned char>(bytes[at]));
        const auto hi = static_cast<std::size_t>(static_cast<unsigned char>(bytes[at + 1]));
        const std::size_t length = lo | (hi << 8U);
        if (length > config.silent_packet_max_bytes) voiced += plan_a_frame_ms;
        at += 2 + length;
      }
      return voiced;
    }
    case audio_format::pcm16: {
      if (sample_rate == 0) return std::nullopt;
      const std::size_t frame_samples = sample_rate / 50;  // 20 ms
      const std::size_t samples = bytes.size() / 2;
      if (frame_samples == 0) return std::nullopt;
      std::int64_t voiced = 0;
      for (std::size_t start = 0; start + frame_samples <= samples; start += frame_samples) {
        double energy = 0;
        for (std::size_t i = start; i < start + frame_samples; ++i) {
          const auto lo = static_cast<unsigned>(static_cast<unsigned char>(bytes[2 * i]));
          const auto hi = static_cast<unsigned>(static_cast<unsigned char>(bytes[2 * i + 1]));
          const auto sample = static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8U)));
          energy += static_cast<double>(sample) * static_cast<double>(sample);
        }
        if (std::sqrt(energy / static_cast<double>(frame_samples)) >= config.pcm_silence_rms) voiced += 20;
      }
      return voiced;
    }
    case audio_format::unknown:
      break;
  }
  return std::nullopt;
}

bool holds_speech(std::string_view bytes, audio_format format, std::uint32_t sample_rate,
                  const speech_presence_config& config) {
  if (!config.skip_silent_cuts) return true;
  const auto voiced = estimate_voiced_ms(bytes, format, sample_rate, config);
  return !voiced || *voiced >= config.min_speech_ms;
}

}  // namespace lingua::session
