#include "node/engines/pocketsphinx_asr.hpp"

#include <pocketsphinx.h>

#include <filesystem>

namespace lingua::node {

namespace fs = std::filesystem;

struct pocketsphinx_asr::decoder {
  cmd_ln_t* config = nullptr;
  ps_decoder_t* ps = nullptr;
  bool warmed = false;  // has decoded an utterance (see recognise)
  ~decoder() {
    if (ps) ps_free(ps);
    if (config) cmd_ln_free_r(config);
  }
};

namespace {

// One whole utterance (full_utt); the hypothesis, "" for none.
std::string decode(ps_decoder_t* ps, const pcm16& audio) {
  if (ps_start_utt(ps) < 0) throw engine_error("pocketsphinx: cannot start an utterance");
  if (ps_process_raw(ps, audio.data(), audio.size(), FALSE, TRUE) < 0) {
    ps_end_utt(ps);
    throw engine_error("pocketsphinx: decoding failed");
  }
  ps_end_utt(ps);
  std::int32_t score = 0;
  const char* hypothesis = ps_get_hyp(ps, &score);
  return hypothesis ? std::string(hypothesis) : std::string();
}

}  // namespace

std::map<std::string, std::string> pocketsphinx_models(const std::string& model_dir) {
  std::map<std::string, std::string> models;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(model_dir, ec)) {
    if (!entry.is_directory()) continue;
    // Debian's layout: <model_dir>/en-us/{en-us/ (acoustic model), en-us.lm.bin, cmudict-en-us.dict}.
    const std::string model = entry.path().filename().string();  // "en-us"
    const fs::path dir = entry.path();
    if (!fs::is_directory(dir / model) || !fs::exists(dir / (model + ".lm.bin")) ||
        !fs::exists(dir / ("cmudict-" + model + ".dict"))) {
      continue;
    }
    const std::string code = two_letter_code(model.substr(0, model.find('-')));
    if (!code.empty() && !models.contains(code)) models.emplace(code, model);
  }
  return models;
}

pocketsphinx_asr::pocketsphinx_asr(std::string model_dir) {
  for (const auto& [code, model] : pocketsphinx_models(model_dir)) {
    const fs::path dir = fs::path(model_dir) / model;
    auto d = std::make_unique<decoder>();
    const std::string hmm = (dir / model).string();
    const std::string lm = (dir / (model + ".lm.bin")).string();
    const std::string dict = (dir / ("cmudict-" + model + ".dict")).string();
    d->config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict", dict.c_str(),
                            "-logfn", "/dev/null", nullptr);
    if (!d->config) continue;
    d->ps = ps_init(d->config);
    if (!d->ps) continue;
    decoders_.emplace(code, std::move(d));
  }
  if (decoders_.empty()) throw engine_error("pocketsphinx: no language model under " + model_dir, true);
}

pocketsphinx_asr::~pocketsphinx_asr() = default;

std::vector<std::string> pocketsphinx_asr::languages() const {
  std::vector<std::string> out;
  for (const auto& [code, d] : decoders_) out.push_back(code);
  return out;
}

void pocketsphinx_asr::warm_up(const pcm16& speech, const std::string& language) {
  auto found = decoders_.find(language);
  if (found == decoders_.end()) return;
  decode(found->second->ps, speech);
  found->second->warmed = true;
}

std::string pocketsphinx_asr::recognise(const pcm16& audio, const std::string& language) {
  auto found = decoders_.find(language);
  if (found == decoders_.end()) throw engine_error("pocketsphinx: no model for language " + language, true);
  decoder& d = *found->second;
  // Not warmed up at start (warm_up): the first utterance is decoded twice, the first pass warming the decoder.
  if (!d.warmed) {
    decode(d.ps, audio);
    d.warmed = true;
  }
  return decode(d.ps, audio);
}

}  // namespace lingua::node
