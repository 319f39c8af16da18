#pragma once
// Machine translation with Apertium (Debian's apertium + apertium-<pair> packages). Apertium has no string API, so
// each language pair runs ONE long-running stage pipeline (the pair's mode file, e.g.
// /usr/share/apertium/modes/eng-spa.mode, turned into null-flush form by `apertium-wblank-mode -z`), started on the
// first sentence and kept: a sentence is written followed by NUL, and every stage flushes its output at that NUL, so
// the translation comes back NUL-terminated (~ms per sentence instead of spawning 13 processes per sentence).
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "node/engines/engine.hpp"

namespace lingua::node {

inline constexpr const char* default_apertium_modes_dir = "/usr/share/apertium/modes";

struct apertium_mode {
  language_pair pair;   // two-letter codes
  std::string path;     // the .mode file
};

// The installed pairs: every `<src>-<tgt>.mode` whose codes map to two-letter codes (variants such as
// spa-eng_US.mode are skipped).
std::vector<apertium_mode> apertium_modes(const std::string& modes_dir);

// One running pipeline for one pair (a shell running the chained stages, its stdin/stdout one socket).
class apertium_pipeline {
 public:
  explicit apertium_pipeline(const std::string& mode_path);
  ~apertium_pipeline();  // closes the input (the stages end), then stops the process group
  apertium_pipeline(const apertium_pipeline&) = delete;
  apertium_pipeline& operator=(const apertium_pipeline&) = delete;

  // Throws engine_error when the pipeline died or did not answer within `timeout` (the pipeline is then unusable).
  std::string translate(const std::string& text, std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int socket_ = -1;
};

// Apertium's stream format reserves a few characters; the text is escaped on the way in and unescaped on the way
// out (exposed for the tests).
std::string apertium_escape(const std::string& text);
std::string apertium_unescape(const std::string& text);

class apertium_mt final : public mt_engine {
 public:
  explicit apertium_mt(std::string modes_dir = default_apertium_modes_dir,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~apertium_mt() override;
  std::string name() const override { return "apertium"; }
  std::vector<language_pair> pairs() const override;
  std::string translate(const std::string& text, const std::string& src, const std::string& tgt) override;

 private:
  std::vector<apertium_mode> modes_;
  std::chrono::milliseconds timeout_;
  std::map<std::string, std::unique_ptr<apertium_pipeline>> running_;  // "src-tgt" → its pipeline
};

}  // namespace lingua::node
