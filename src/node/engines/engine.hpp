#pragma once
// The three engines a node runs (speech recognition, machine translation, speech synthesis) behind a small
// interface, so an operator can plug in another engine (docs/node.md). Audio is always 16 kHz mono PCM16.
//
// Threading contract: one engine object is used by one worker thread at a time (the node gives every worker its own
// engine_set). An engine whose library has process-wide state guards that state itself.
// Errors: an engine throws engine_error; `model_missing` means the language (pair) is not installed.
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace lingua::node {

using pcm16 = std::vector<std::int16_t>;  // 16 kHz mono samples
inline constexpr unsigned sample_rate_hz = 16000;

class engine_error : public std::runtime_error {
 public:
  engine_error(std::string message, bool model_missing = false)
      : std::runtime_error(std::move(message)), model_missing_(model_missing) {}
  bool model_missing() const { return model_missing_; }

 private:
  bool model_missing_;
};

struct language_pair {
  std::string src;
  std::string tgt;
  bool operator==(const language_pair&) const = default;
};

// Called on the decoding thread with the words heard so far while an utterance is being recognised (a hypothesis
// that grows and may still change; not the final text). Returning false abandons the decoding (the job was
// cancelled): recognise then returns at once with whatever it has.
using partial_hypothesis = std::function<bool(const std::string& words_so_far)>;

class asr_engine {
 public:
  virtual ~asr_engine() = default;
  virtual std::string name() const = 0;
  // Two-letter codes this engine can hear.
  virtual std::vector<std::string> languages() const = 0;
  // The words heard in one whole utterance ("" for silence or noise). An engine that decodes incrementally reports
  // its hypotheses to `on_partial` (may be empty) while it works; one that cannot simply never calls it.
  virtual std::string recognise(const pcm16& audio, const std::string& language,
                                const partial_hypothesis& on_partial = {}) = 0;
};

class mt_engine {
 public:
  virtual ~mt_engine() = default;
  virtual std::string name() const = 0;
  virtual std::vector<language_pair> pairs() const = 0;
  virtual std::string translate(const std::string& text, const std::string& src, const std::string& tgt) = 0;
};

class tts_engine {
 public:
  virtual ~tts_engine() = default;
  virtual std::string name() const = 0;
  virtual std::vector<std::string> languages() const = 0;
  virtual pcm16 synthesise(const std::string& text, const std::string& language) = 0;
};

// What one worker owns.
struct engine_set {
  std::unique_ptr<asr_engine> asr;
  std::unique_ptr<mt_engine> mt;
  std::unique_ptr<tts_engine> tts;
};

// ISO 639-3 (apertium's and some voices' codes) → the two-letter code the protocol uses; a two-letter code is kept;
// "" when unknown.
std::string two_letter_code(const std::string& code);

}  // namespace lingua::node
