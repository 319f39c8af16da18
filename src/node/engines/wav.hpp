#pragma once
// RIFF/WAVE with 16-bit PCM samples, the format HTTP speech services (Piper's POST /tts) answer with.
#include <string>
#include <string_view>

#include "node/engines/engine.hpp"

namespace lingua::node {

// The samples of a 16-bit PCM WAV (any rate, any channel count), mixed down to mono and resampled to 16 kHz; throws
// engine_error for anything else (not RIFF/WAVE, another sample format, no data chunk).
pcm16 decode_wav(std::string_view bytes);
// A 16-bit mono PCM WAV of `audio` at `rate_hz`.
std::string encode_wav(const pcm16& audio, unsigned rate_hz);

}  // namespace lingua::node
