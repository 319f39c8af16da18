#include "session/audio_duration.hpp"

#include "protocol/base64.hpp"

namespace lingua::session {

namespace {

constexpr std::size_t max_opus_packet_bytes = 1275;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

audio_format parse_audio_format(std::string_view name) {
  if (iequals(name, "pcm16")) return audio_format::pcm16;
  if (iequals(name, "opus")) return audio_format::opus;
  return audio_format::unknown;
}

std::optional<std::size_t> count_plan_a_packets(std::string_view bytes) {
  std::size_t records = 0;
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < 2) return std::nullopt;
    const auto lo = static_cast<std::size_t>(static_cast<unsigned char>(bytes[at]));
    const auto hi = static_cast<std::size_t>(static_cast<unsigned char>(bytes[at + 1]));
    const std::size_t length = lo | (hi << 8U);
    at += 2;
    if (length == 0 || length > max_opus_packet_bytes || bytes.size() - at < length) return std::nullopt;
    at += length;
    ++records;
  }
  return records;
}

namespace {

std::int64_t duration_of_size(std::size_t byte_count, audio_format format, std::uint32_t sample_rate) {
  const auto size = static_cast<std::int64_t>(byte_count);
  switch (format) {
    case audio_format::pcm16:
      if (sample_rate == 0) return 0;
      return size / 2 * 1000 / static_cast<std::int64_t>(sample_rate);
    case audio_format::opus:  // not Plan A: the original's bitrate guess
      return size / 60 * plan_a_frame_ms;
    case audio_format::unknown:
      break;
  }
  return 0;
}

}  // namespace

std::int64_t estimate_base64_audio_duration_ms(std::string_view base64_text, audio_format format,
                                               std::uint32_t sample_rate) {
  if (format == audio_format::opus) {
    const auto bytes = protocol::base64::decode(base64_text);
    return bytes ? estimate_audio_duration_ms(*bytes, format, sample_rate) : 0;
  }
  return duration_of_size(protocol::base64::decoded_size_of_valid(base64_text), format, sample_rate);
}

std::int64_t estimate_audio_duration_ms(std::string_view bytes, audio_format format, std::uint32_t sample_rate) {
  if (format == audio_format::opus) {
    if (const auto records = count_plan_a_packets(bytes)) return static_cast<std::int64_t>(*records) * plan_a_frame_ms;
  }
  return duration_of_size(bytes.size(), format, sample_rate);
}

}  // namespace lingua::session
