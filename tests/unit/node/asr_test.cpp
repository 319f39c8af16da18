#include <gtest/gtest.h>
#include <pocketsphinx.h>

#include <random>
#include <sstream>

#include "node/engines/espeak_tts.hpp"
#include "node/engines/pocketsphinx_asr.hpp"
#include "unit/node/speech_fixture.hpp"

namespace lingua::node {
namespace {

// Loading the generic English model takes a while: the suite shares one decoder (as a node's worker does).
class PocketsphinxAsr : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { shared_ = new pocketsphinx_asr(); }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  static pocketsphinx_asr* shared_;
  pocketsphinx_asr& asr = *shared_;
};

pocketsphinx_asr* PocketsphinxAsr::shared_ = nullptr;

TEST_F(PocketsphinxAsr, OffersTheInstalledEnglishModel) {
  EXPECT_EQ(asr.languages(), std::vector<std::string>{"en"});
}

TEST_F(PocketsphinxAsr, RecognisesMostWordsOfFliteSpeech) {
  const std::string text = "hello how are you today";
  const std::string first = asr.recognise(test::flite_speech(text), "en");
  EXPECT_GE(test::words_in_common(text, first), 4u) << first;
  // The same decoder recognises the next utterance as well (it is reused across jobs).
  const std::string second = asr.recognise(test::flite_speech("good morning my friend"), "en");
  EXPECT_GE(test::words_in_common("good morning my friend", second), 3u) << second;
}

// A fresh decoder's state (its noise estimate) made its first utterance come out worse than the same audio later;
// the decoder warms up on that first utterance, so a node's first job is recognised exactly like any later one.
TEST(PocketsphinxFreshDecoder, RecognisesItsFirstUtteranceExactlyAsALaterOne) {
  const pcm16 speech = test::flite_speech("please call me back this afternoon");
  pocketsphinx_asr fresh;
  const std::string first = fresh.recognise(speech, "en");
  fresh.recognise(test::flite_speech("good morning my friend"), "en");
  EXPECT_EQ(fresh.recognise(speech, "en"), first);
  EXPECT_GE(test::words_in_common("please call me back this afternoon", first), 4u) << first;
}

TEST(PocketsphinxFreshDecoder, WarmedUpAtStartOnEspeakSpeechRecognisesItsFirstUtteranceAsALaterOne) {
  const pcm16 speech = test::flite_speech("please call me back this afternoon");
  pocketsphinx_asr fresh;
  espeak_tts tts;
  fresh.warm_up(tts.synthesise("hello, how are you today? I am fine, thank you.", "en"), "en");  // as lingua-node does
  const std::string first = fresh.recognise(speech, "en");
  fresh.recognise(test::flite_speech("good morning my friend"), "en");
  EXPECT_EQ(fresh.recognise(speech, "en"), first);
}

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Speech as a browser sends it: quiet noise before and after the words.
pcm16 padded(const pcm16& speech, double lead_s, double trail_s) {
  std::mt19937 noise_source(7);
  std::uniform_int_distribution<int> noise(-30, 30);
  pcm16 out;
  for (auto i = 0; i < static_cast<int>(lead_s * sample_rate_hz); ++i) out.push_back(static_cast<std::int16_t>(noise(noise_source)));
  out.insert(out.end(), speech.begin(), speech.end());
  for (auto i = 0; i < static_cast<int>(trail_s * sample_rate_hz); ++i) out.push_back(static_cast<std::int16_t>(noise(noise_source)));
  return out;
}

TEST_F(PocketsphinxAsr, ReportsAGrowingHypothesisWhileItDecodesAndEndsWithTheWholeText) {
  const std::string text = "please call me back this afternoon";
  std::vector<std::string> partials;
  const std::string heard = asr.recognise(test::flite_speech(text), "en", [&](const std::string& words) {
    if (!words.empty() && (partials.empty() || partials.back() != words)) partials.push_back(words);
    return true;
  });
  EXPECT_GE(test::words_in_common(text, heard), 5u) << heard;
  ASSERT_GE(partials.size(), 2u) << "one hypothesis or none while decoding";
  // Growing: the first hypothesis has fewer words than the text, the last is (nearly) the text.
  EXPECT_LT(words_of(partials.front()).size(), words_of(heard).size()) << partials.front();
  EXPECT_GE(test::words_in_common(heard, partials.back()) + 1, words_of(heard).size()) << partials.back();
}

TEST_F(PocketsphinxAsr, StopsDecodingWhenThePartialListenerSaysSo) {
  int calls = 0;
  asr.recognise(test::flite_speech("please call me back this afternoon"), "en", [&](const std::string&) {
    ++calls;
    return false;
  });
  EXPECT_EQ(calls, 1);
}

// The reference: PocketSphinx decoding the utterance as a whole (full_utt), with the model's batch CMN.
class whole_utterance_decoder {
 public:
  whole_utterance_decoder() {
    const std::string dir = std::string(default_pocketsphinx_model_dir) + "/en-us/";
    config_ = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", (dir + "en-us").c_str(), "-lm", (dir + "en-us.lm.bin").c_str(),
                          "-dict", (dir + "cmudict-en-us.dict").c_str(), "-logfn", "/dev/null", nullptr);
    ps_ = ps_init(config_);
  }
  ~whole_utterance_decoder() {
    ps_free(ps_);
    cmd_ln_free_r(config_);
  }
  whole_utterance_decoder(const whole_utterance_decoder&) = delete;
  whole_utterance_decoder& operator=(const whole_utterance_decoder&) = delete;
  std::string decode(const pcm16& audio) {
    ps_start_utt(ps_);
    ps_process_raw(ps_, audio.data(), audio.size(), FALSE, TRUE);
    ps_end_utt(ps_);
    std::int32_t score = 0;
    const char* h = ps_get_hyp(ps_, &score);
    return h ? h : "";
  }

 private:
  cmd_ln_t* config_ = nullptr;
  ps_decoder_t* ps_ = nullptr;
};

// Decoding in blocks for partials must not cost accuracy: the final text has at least as many of the spoken words as
// the whole-utterance decode's (measured: the same text, or once better — docs/benchmarks.md), on clean speech and on
// speech padded with quiet noise as a browser sends it.
TEST(PocketsphinxPartials, TheFinalTextIsAsGoodAsAWholeUtteranceDecodeOnCleanAndPaddedSpeech) {
  pocketsphinx_asr streamed;
  whole_utterance_decoder whole;
  const pcm16 first = test::flite_speech("hello how are you today i am fine thank you");
  // The same history for both: the engine decodes its first utterance twice (warming up).
  whole.decode(first);
  whole.decode(first);
  streamed.recognise(first, "en");
  for (const std::string text : {"hello how are you today", "good morning my friend", "please call me back this afternoon"}) {
    const pcm16 speech = test::flite_speech(text);
    for (const pcm16& audio : {speech, padded(speech, 1.0, 1.5)}) {
      const std::string reference = whole.decode(audio);
      const std::string heard = streamed.recognise(audio, "en", [](const std::string&) { return true; });
      EXPECT_GE(test::words_in_common(text, heard), test::words_in_common(text, reference))
          << text << (audio.size() == speech.size() ? "" : " (padded)") << ": \"" << heard << "\" vs full_utt \""
          << reference << "\"";
    }
  }
}

TEST_F(PocketsphinxAsr, SilenceGivesNoWords) {
  EXPECT_EQ(asr.recognise(pcm16(16000, 0), "en"), "");
}

TEST_F(PocketsphinxAsr, AnUninstalledLanguageIsAMissingModel) {
  try {
    asr.recognise(pcm16(1600, 0), "xx");
    FAIL() << "no error";
  } catch (const engine_error& e) {
    EXPECT_TRUE(e.model_missing());
  }
}

}  // namespace
}  // namespace lingua::node
