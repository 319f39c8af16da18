#include "node/engines/pocketsphinx_asr.hpp"

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/fe.h>
#include <sphinxbase/feat.h>

#include <algorithm>
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

// The search is fed this many 10 ms frames at a time (0.4 s of audio), the hypothesis reported after each block.
constexpr std::size_t frames_per_block = 40;

// The cepstra of a whole utterance, computed by the decoder's own front end exactly as a full_utt decode computes
// them (the same noise estimate and silence removal), one row per frame.
struct cepstra {
  std::vector<mfcc_t> values;
  std::vector<mfcc_t*> rows;
};

cepstra cepstra_of(ps_decoder_t* ps, const pcm16& audio) {
  fe_t* fe = ps_get_fe(ps);
  const auto width = static_cast<std::size_t>(fe_get_output_size(fe));
  std::size_t samples = audio.size();
  int32 frames = 0;
  if (fe_process_frames(fe, nullptr, &samples, nullptr, &frames, nullptr) < 0) {
    throw engine_error("pocketsphinx: cannot size the features");
  }
  cepstra c;
  c.values.resize((static_cast<std::size_t>(frames) + 1) * width);  // + the frame fe_end_utt may flush
  for (std::size_t f = 0; f <= static_cast<std::size_t>(frames); ++f) c.rows.push_back(c.values.data() + f * width);
  const int16* next = audio.data();
  samples = audio.size();
  fe_start_utt(fe);
  if (fe_process_frames(fe, &next, &samples, c.rows.data(), &frames, nullptr) < 0) {
    throw engine_error("pocketsphinx: cannot compute the features");
  }
  int32 flushed = 0;
  fe_end_utt(fe, c.rows[static_cast<std::size_t>(frames)], &flushed);
  c.rows.resize(static_cast<std::size_t>(frames + flushed));
  return c;
}

// The cepstral mean of the whole utterance, as batch CMN computes it (frames with negative energy left out); empty
// when every frame is silent.
std::vector<mfcc_t> utterance_mean(const cepstra& c, std::size_t width) {
  std::vector<double> sum(width, 0.0);
  std::size_t counted = 0;
  for (const mfcc_t* frame : c.rows) {
    if (frame[0] < 0) continue;
    for (std::size_t i = 0; i < width; ++i) sum[i] += static_cast<double>(frame[i]);
    ++counted;
  }
  if (counted == 0) return {};
  std::vector<mfcc_t> mean(width);
  for (std::size_t i = 0; i < width; ++i) mean[i] = static_cast<mfcc_t>(sum[i] / static_cast<double>(counted));
  return mean;
}

std::string hypothesis_of(ps_decoder_t* ps) {
  std::int32_t score = 0;
  const char* hypothesis = ps_get_hyp(ps, &score);
  return hypothesis ? std::string(hypothesis) : std::string();
}

// One whole utterance; the hypothesis, "" for none. The model normalises with batch CMN (the utterance's own
// cepstral mean), which PocketSphinx only applies to a full_utt decode; a decode fed in blocks falls back to live CMN,
// whose running mean starts from the model's initial estimate (an earlier attempt feeding raw audio in blocks got
// worse final texts on padded browser speech). So the cepstra are computed first, their mean set as the live mean,
// and the search fed in blocks: the features a full_utt decode normalises with, and a hypothesis after every block
// for `on_partial` (measured in docs/benchmarks.md, "Partial hypotheses").
std::string decode(ps_decoder_t* ps, const pcm16& audio, const partial_hypothesis& on_partial) {
  cepstra c = cepstra_of(ps, audio);
  const std::vector<mfcc_t> mean = utterance_mean(c, static_cast<std::size_t>(fe_get_output_size(ps_get_fe(ps))));
  if (ps_start_utt(ps) < 0) throw engine_error("pocketsphinx: cannot start an utterance");
  if (!mean.empty()) cmn_live_set(ps_get_feat(ps)->cmn_struct, mean.data());
  for (std::size_t first = 0; first < c.rows.size(); first += frames_per_block) {
    const auto count = static_cast<int>(std::min(frames_per_block, c.rows.size() - first));
    if (ps_process_cep(ps, c.rows.data() + first, count, FALSE, FALSE) < 0) {
      ps_end_utt(ps);
      throw engine_error("pocketsphinx: decoding failed");
    }
    if (on_partial && !on_partial(hypothesis_of(ps))) break;
  }
  ps_end_utt(ps);
  return hypothesis_of(ps);
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
  decode(found->second->ps, speech, {});
  found->second->warmed = true;
}

std::string pocketsphinx_asr::recognise(const pcm16& audio, const std::string& language,
                                        const partial_hypothesis& on_partial) {
  auto found = decoders_.find(language);
  if (found == decoders_.end()) throw engine_error("pocketsphinx: no model for language " + language, true);
  decoder& d = *found->second;
  // Not warmed up at start (warm_up): the first utterance is decoded twice, the first pass warming the decoder.
  if (!d.warmed) {
    decode(d.ps, audio, {});
    d.warmed = true;
  }
  return decode(d.ps, audio, on_partial);
}

}  // namespace lingua::node
