#pragma once
// Speech recognition with CMU PocketSphinx (Debian's libpocketsphinx, the 5prealpha API) and the acoustic model,
// language model and dictionary of each installed language under `model_dir` (pocketsphinx-en-us installs
// en-us/, en-us.lm.bin and cmudict-en-us.dict). The node has each utterance's whole audio: its features and cepstral
// mean are computed over the whole utterance, then the search is fed in blocks so partial hypotheses come out while
// it decodes.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "node/engines/engine.hpp"

namespace lingua::node {

inline constexpr const char* default_pocketsphinx_model_dir = "/usr/share/pocketsphinx/model";

// The languages installed under `model_dir`: two-letter code → model directory name ("en" → "en-us").
std::map<std::string, std::string> pocketsphinx_models(const std::string& model_dir);

class pocketsphinx_asr final : public asr_engine {
 public:
  // Loads one decoder per installed language (throws engine_error when none loads).
  explicit pocketsphinx_asr(std::string model_dir = default_pocketsphinx_model_dir);
  ~pocketsphinx_asr() override;
  pocketsphinx_asr(const pocketsphinx_asr&) = delete;
  pocketsphinx_asr& operator=(const pocketsphinx_asr&) = delete;

  std::string name() const override { return "pocketsphinx"; }
  std::vector<std::string> languages() const override;
  // Reports the hypothesis to `on_partial` after every 0.4 s of audio decoded; the final text is what a full_utt
  // decode gives (see decode in the .cpp).
  std::string recognise(const pcm16& audio, const std::string& language,
                        const partial_hypothesis& on_partial = {}) override;

  // PocketSphinx's noise removal carries its noise estimate from one utterance to the next, and a fresh decoder has
  // none: its first utterance came out differently, and worse, than the same audio later ("call me back that
  // afternoon" for "this afternoon"). warm_up decodes `speech` once and discards the words; a decoder that was not
  // warmed up decodes its first utterance twice instead (the first pass warming it).
  void warm_up(const pcm16& speech, const std::string& language);

 private:
  struct decoder;
  std::map<std::string, std::unique_ptr<decoder>> decoders_;
};

}  // namespace lingua::node
