#include <gtest/gtest.h>

#include <algorithm>

#include "node/engines/apertium_mt.hpp"

namespace lingua::node {
namespace {

TEST(ApertiumMt, OffersTheInstalledPairsInBothDirections) {
  apertium_mt mt;
  const auto pairs = mt.pairs();
  EXPECT_NE(std::find(pairs.begin(), pairs.end(), language_pair{"en", "es"}), pairs.end());
  EXPECT_NE(std::find(pairs.begin(), pairs.end(), language_pair{"es", "en"}), pairs.end());
}

TEST(ApertiumMt, TranslatesEnglishToSpanishSentenceAfterSentenceOnOnePipeline) {
  apertium_mt mt;
  const std::string first = mt.translate("hello how are you today", "en", "es");
  EXPECT_NE(first.find("hola"), std::string::npos) << first;
  EXPECT_NE(first.find("hoy"), std::string::npos) << first;
  const std::string second = mt.translate("good morning my friend", "en", "es");
  EXPECT_NE(second.find("amigo"), std::string::npos) << second;
  // Reserved characters of apertium's stream format come through as text.
  const std::string third = mt.translate("a [house] and $5 / @home", "en", "es");
  EXPECT_NE(third.find("casa"), std::string::npos) << third;
  EXPECT_EQ(mt.translate("", "en", "es"), "");
  EXPECT_NE(mt.translate("thank you", "en", "es"), "");
}

TEST(ApertiumMt, AnUninstalledPairIsAMissingModel) {
  apertium_mt mt;
  try {
    mt.translate("hello", "en", "xx");
    FAIL() << "no error";
  } catch (const engine_error& e) {
    EXPECT_TRUE(e.model_missing());
  }
}

TEST(ApertiumMt, EscapingRoundTrips) {
  EXPECT_EQ(apertium_unescape(apertium_escape("a [b] ^c$ /d\\ @e <f>")), "a [b] ^c$ /d\\ @e <f>");
}

}  // namespace
}  // namespace lingua::node
