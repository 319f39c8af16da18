#pragma once
// Speech synthesis with libespeak-ng, in memory (synchronous mode, samples collected by the synthesis callback),
// resampled from espeak's 22050 Hz to 16 kHz. Languages = the installed voices' two-letter codes.
//
// espeak-ng keeps process-wide state (one voice, one callback): every instance shares it, so each call takes one
// process-wide lock around the library (a limitation of the C library, not node state).
#include <string>
#include <vector>

#include "node/engines/engine.hpp"

namespace lingua::node {

class espeak_tts final : public tts_engine {
 public:
  // Initialises the library once per process (throws engine_error if espeak-ng-data is missing).
  espeak_tts();
  std::string name() const override { return "espeak-ng"; }
  std::vector<std::string> languages() const override { return languages_; }
  pcm16 synthesise(const std::string& text, const std::string& language) override;

 private:
  std::vector<std::string> languages_;
  unsigned rate_hz_ = 22050;
};

}  // namespace lingua::node
