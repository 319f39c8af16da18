#pragma once
// Audio plumbing of the node: Opus "Plan A" (the web client's framing: records of [u16 little-endian length][Opus
// packet], 16 kHz mono, 20 ms frames) via libopus, PCM16 bytes, and a windowed-sinc resampler.
#include <string>
#include <string_view>

#include "node/engines/engine.hpp"

namespace lingua::node {

// Decodes a Plan A blob; throws engine_error on a truncated record or a packet libopus refuses.
pcm16 decode_plan_a(std::string_view bytes);
// Encodes 16 kHz mono audio as Plan A (VOIP application, 24 kbps, 20 ms frames; the last frame is zero-padded).
std::string encode_plan_a(const pcm16& audio);

// Little-endian s16 bytes ↔ samples (an odd trailing byte is dropped).
pcm16 pcm16_from_bytes(std::string_view bytes);

// Band-limited resampling (Hann-windowed sinc, cut-off at the lower Nyquist frequency).
pcm16 resample(const pcm16& audio, unsigned from_hz, unsigned to_hz);

// Root mean square of the samples (0 for none), on the s16 scale.
double rms(const pcm16& audio);

}  // namespace lingua::node
