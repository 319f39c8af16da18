// Measures what decoding an utterance in blocks (to report partial hypotheses) does to PocketSphinx's final text,
// against decoding it as a whole (full_utt), on flite speech: clean, padded with digital silence, padded with quiet
// noise, and noise-padded through Opus Plan A (as a browser's audio reaches the node). Three decoders, one per way,
// each with the same history (a warm-up utterance, then every utterance in turn):
//   full_utt     ps_process_raw of the whole utterance (the reference; no partials possible)
//   raw_blocks   ps_process_raw 0.4 s at a time (live CMN from the model's initial mean)
//   engine       lingua-node's pocketsphinx_asr: cepstra and their mean over the whole utterance, then the search
//                fed 0.4 s at a time (what the node ships)
// Prints, per way: utterances whose text equals full_utt's, words of the spoken text recognised, partials per
// utterance, and CPU ms per utterance (this process's CPU clock around each decode). Usage: asr_partials_bench
#include <pocketsphinx.h>

#include <time.h>

#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "node/engines/audio.hpp"
#include "node/engines/pocketsphinx_asr.hpp"
#include "unit/node/speech_fixture.hpp"

namespace {

using lingua::node::pcm16;
using lingua::node::sample_rate_hz;

double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

std::size_t word_count(const std::string& text) {
  std::istringstream in(text);
  std::size_t n = 0;
  for (std::string w; in >> w;) ++n;
  return n;
}

class raw_decoder {
 public:
  raw_decoder() {
    const std::string dir = std::string(lingua::node::default_pocketsphinx_model_dir) + "/en-us/";
    config_ = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", (dir + "en-us").c_str(), "-lm",
                          (dir + "en-us.lm.bin").c_str(), "-dict", (dir + "cmudict-en-us.dict").c_str(), "-logfn",
                          "/dev/null", nullptr);
    ps_ = ps_init(config_);
  }
  ~raw_decoder() {
    ps_free(ps_);
    cmd_ln_free_r(config_);
  }
  raw_decoder(const raw_decoder&) = delete;
  raw_decoder& operator=(const raw_decoder&) = delete;

  // block_samples 0: the whole utterance at once (full_utt).
  std::string decode(const pcm16& audio, std::size_t block_samples, int& partials) {
    ps_start_utt(ps_);
    partials = 0;
    if (block_samples == 0) {
      ps_process_raw(ps_, audio.data(), audio.size(), FALSE, TRUE);
    } else {
      for (std::size_t at = 0; at < audio.size(); at += block_samples) {
        ps_process_raw(ps_, audio.data() + at, std::min(block_samples, audio.size() - at), FALSE, FALSE);
        if (!hypothesis().empty()) ++partials;
      }
    }
    ps_end_utt(ps_);
    return hypothesis();
  }

 private:
  std::string hypothesis() {
    std::int32_t score = 0;
    const char* h = ps_get_hyp(ps_, &score);
    return h ? h : "";
  }
  cmd_ln_t* config_ = nullptr;
  ps_decoder_t* ps_ = nullptr;
};

pcm16 padded(const pcm16& speech, double lead_s, double trail_s, int noise_amplitude) {
  std::mt19937 source(7);
  std::uniform_int_distribution<int> noise(-noise_amplitude, noise_amplitude);
  auto pad = [&](pcm16& out, double seconds) {
    for (auto i = 0; i < static_cast<int>(seconds * sample_rate_hz); ++i) {
      out.push_back(static_cast<std::int16_t>(noise_amplitude ? noise(source) : 0));
    }
  };
  pcm16 out;
  pad(out, lead_s);
  out.insert(out.end(), speech.begin(), speech.end());
  pad(out, trail_s);
  return out;
}

struct tally {
  int same_as_full = 0;
  std::size_t words = 0;
  int partials = 0;
  double cpu = 0;
};

}  // namespace

int main() {
  const std::vector<std::string> phrases = {
      "hello how are you today",       "good morning my friend",       "please call me back this afternoon",
      "where is the train station",    "i would like a cup of coffee", "thank you very much",
      "can you help me find my keys",  "the weather is nice today"};
  const char* variants[] = {"clean", "silence-padded", "noise-padded", "noise-padded opus"};
  raw_decoder full;
  raw_decoder blocks;
  lingua::node::pocketsphinx_asr engine;
  const pcm16 warm = lingua::test::flite_speech("hello how are you today i am fine thank you");
  int ignored = 0;
  full.decode(warm, 0, ignored);
  full.decode(warm, 0, ignored);  // the engine decodes its first utterance twice (warming up)
  blocks.decode(warm, 6400, ignored);
  blocks.decode(warm, 6400, ignored);
  engine.recognise(warm, "en");
  for (int v = 0; v < 4; ++v) {
    tally t_full, t_blocks, t_engine;
    std::size_t spoken_words = 0;
    for (const auto& phrase : phrases) {
      pcm16 audio = lingua::test::flite_speech(phrase);
      if (v == 1) audio = padded(audio, 1.0, 1.5, 0);
      if (v == 2) audio = padded(audio, 1.0, 1.5, 30);
      if (v == 3) audio = lingua::node::decode_plan_a(lingua::node::encode_plan_a(padded(audio, 0.8, 1.2, 60)));
      spoken_words += word_count(phrase);
      int partials = 0;
      double t0 = cpu_ms();
      const std::string a = full.decode(audio, 0, partials);
      double t1 = cpu_ms();
      const std::string b = blocks.decode(audio, 6400, partials);
      double t2 = cpu_ms();
      t_blocks.partials += partials;
      int engine_partials = 0;
      const std::string c = engine.recognise(audio, "en", [&](const std::string& words) {
        if (!words.empty()) ++engine_partials;
        return true;
      });
      double t3 = cpu_ms();
      t_engine.partials += engine_partials;
      t_full.cpu += t1 - t0;
      t_blocks.cpu += t2 - t1;
      t_engine.cpu += t3 - t2;
      t_full.same_as_full += 1;
      t_blocks.same_as_full += a == b;
      t_engine.same_as_full += a == c;
      t_full.words += lingua::test::words_in_common(phrase, a);
      t_blocks.words += lingua::test::words_in_common(phrase, b);
      t_engine.words += lingua::test::words_in_common(phrase, c);
      std::printf("%-18s %-36s | full_utt: %-36s | raw_blocks: %-36s | engine: %s\n", variants[v], phrase.c_str(),
                  a.c_str(), b.c_str(), c.c_str());
    }
    const auto n = static_cast<double>(phrases.size());
    auto row = [&](const char* way, const tally& t) {
      std::printf("  %-18s %-10s same text as full_utt %d/%zu, words %zu/%zu, partials/utt %.1f, cpu ms/utt %.0f\n",
                  variants[v], way, t.same_as_full, phrases.size(), t.words, spoken_words,
                  static_cast<double>(t.partials) / n, t.cpu / n);
    };
    row("full_utt", t_full);
    row("raw_blocks", t_blocks);
    row("engine", t_engine);
    std::fflush(stdout);
  }
}
