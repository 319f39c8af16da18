#pragma once
// Does a cut hold speech? The web client sends a cut after every trailing silent chunk (260 ms cuts of 13 Opus
// packets of ~10 bytes: the encoder's output for digital silence), and a node answers each with ASR_EMPTY. Such cuts
// are not dispatched (see segmenter.hpp, "Silence").
//
// The audio is never decoded. Voiced time is estimated per 20 ms frame:
// - opus (Plan A records): a packet of at most `silent_packet_max_bytes` is silence. libopus (16 kHz mono, VOIP,
//   24 kbps, as the web client encodes) gives 8–10 bytes for digital silence and 1 byte for a DTX frame, while
//   speech and even -60 dBFS noise take 40–80 bytes: the size alone separates them.
// - pcm16: a 20 ms frame whose RMS is below `pcm_silence_rms` (of 32767) is silence.
// - anything that cannot be read (unknown format, Opus that is not Plan A): assumed to be speech (never skipped).
// A cut holds speech when its voiced time reaches `min_speech_ms`.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "session/audio_duration.hpp"

namespace lingua::session {

struct speech_presence_config {
  bool skip_silent_cuts = true;
  std::size_t silent_packet_max_bytes = 20;
  std::int64_t min_speech_ms = 60;
  double pcm_silence_rms = 100.0;
};

// Estimated voiced milliseconds of `bytes`; nullopt when the audio cannot be judged.
std::optional<std::int64_t> estimate_voiced_ms(std::string_view bytes, audio_format format, std::uint32_t sample_rate,
                                               const speech_presence_config& config);

// False only when the cut can be judged and holds less than min_speech_ms of voiced audio (and skipping is on).
bool holds_speech(std::string_view bytes, audio_format format, std::uint32_t sample_rate,
                  const speech_presence_config& config);

}  // namespace lingua::session
