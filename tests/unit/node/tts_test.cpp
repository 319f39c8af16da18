#include <gtest/gtest.h>

#include <algorithm>

#include "node/engines/audio.hpp"
#include "node/engines/espeak_tts.hpp"

namespace lingua::node {
namespace {

TEST(EspeakTts, OffersSpanishAndEnglishVoices) {
  espeak_tts tts;
  const auto languages = tts.languages();
  EXPECT_NE(std::find(languages.begin(), languages.end(), "es"), languages.end());
  EXPECT_NE(std::find(languages.begin(), languages.end(), "en"), languages.end());
}

TEST(EspeakTts, SynthesisesAudibleSixteenKilohertzSpeechThatSurvivesOpus) {
  espeak_tts tts;
  const pcm16 speech = tts.synthesise("hola cómo estás hoy", "es");
  // About a second of speech at 16 kHz (espeak speaks at ~175 words per minute).
  EXPECT_GT(speech.size(), 8000u);
  EXPECT_LT(speech.size(), 16000u * 5);
  EXPECT_GT(rms(speech), 300.0);
  const pcm16 decoded = decode_plan_a(encode_plan_a(speech));
  EXPECT_GE(decoded.size(), speech.size());
  EXPECT_GT(rms(decoded), rms(speech) * 0.5);
}

TEST(EspeakTts, AnUninstalledVoiceIsAMissingModel) {
  espeak_tts tts;
  try {
    tts.synthesise("hello", "xx");
    FAIL() << "no error";
  } catch (const engine_error& e) {
    EXPECT_TRUE(e.model_missing());
  }
}

}  // namespace
}  // namespace lingua::node
