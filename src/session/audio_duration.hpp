#pragma once
// Duration estimates for the audio the scheduler buffers but never decodes.
//
// pcm16: little-endian s16 mono, so bytes/2 samples: bytes/2*1000/sample_rate ms.
// opus:  the web client's "Plan A" framing, a concatenation of [u16 little-endian length][opus packet] records,
//        one 20 ms frame per packet. A buffer that parses completely as Plan A lasts records*20 ms. A buffer that
//        does not (raw packets, truncated data) falls back to the original's bitrate guess, floor(bytes/60)*20 ms
//        (60 bytes per 20 ms frame is 24 kbps). A record is valid when its length is 1..1275 bytes (RFC 6716: a
//        packet has at least its TOC byte; a 20 ms frame is at most 1275 bytes), which keeps zero-filled or
//        random buffers from parsing as thousands of empty frames.
// other formats: 0 (unknown duration; duration-based cuts never fire).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lingua::session {

enum class audio_format { pcm16, opus, unknown };

// "pcm16" and "opus" (ASCII case-insensitive); anything else is unknown.
audio_format parse_audio_format(std::string_view name);

inline constexpr std::int64_t plan_a_frame_ms = 20;

// Number of Plan A records when the whole buffer parses as Plan A (0 for an empty buffer), else nullopt.
std::optional<std::size_t> count_plan_a_packets(std::string_view bytes);

std::int64_t estimate_audio_duration_ms(std::string_view bytes, audio_format format, std::uint32_t sample_rate);

// The same for audio given as base64 text that protocol::base64::decoded_size() has accepted (an `utterance`'s, checked
// on arrival): pcm16 and unknown formats need only its length, so the 8 KB of an utterance are not scanned again;
// Plan A framing is read from the bytes, so opus is decoded (into a temporary) for the count.
std::int64_t estimate_base64_audio_duration_ms(std::string_view base64_text, audio_format format,
                                               std::uint32_t sample_rate);

}  // namespace lingua::session
