#pragma once
// English test speech made with flite at test time (flite speech is recognised well by the generic English model;
// espeak-ng speech is not), read from its WAV and resampled to 16 kHz.
#include <string>

#include "node/engines/engine.hpp"

namespace lingua::test {

// 16 kHz mono speech of `text`; throws when flite is missing or fails.
node::pcm16 flite_speech(const std::string& text);
// The samples of a PCM16 mono WAV file, resampled to 16 kHz.
node::pcm16 read_wav_16k(const std::string& path);
// Words of `hypothesis` that are in `expected`, counted in order-insensitive fashion.
std::size_t words_in_common(const std::string& expected, const std::string& hypothesis);

}  // namespace lingua::test
