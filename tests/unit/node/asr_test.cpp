#include <gtest/gtest.h>

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
