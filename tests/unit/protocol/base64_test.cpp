#include "protocol/base64.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace lingua::protocol {
namespace {

TEST(base64, encodes_the_rfc_4648_test_vectors) {
  EXPECT_EQ(base64::encode(""), "");
  EXPECT_EQ(base64::encode("f"), "Zg==");
  EXPECT_EQ(base64::encode("fo"), "Zm8=");
  EXPECT_EQ(base64::encode("foo"), "Zm9v");
  EXPECT_EQ(base64::encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64::encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64::encode("foobar"), "Zm9vYmFy");
}

TEST(base64, decodes_the_rfc_4648_test_vectors) {
  EXPECT_EQ(base64::decode(""), std::string());
  EXPECT_EQ(base64::decode("Zg=="), "f");
  EXPECT_EQ(base64::decode("Zm8="), "fo");
  EXPECT_EQ(base64::decode("Zm9v"), "foo");
  EXPECT_EQ(base64::decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64::decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64::decode("Zm9vYmFy"), "foobar");
}

TEST(base64, uses_the_standard_alphabet_including_plus_and_slash) {
  const std::string bytes{'\xfb', '\xff', '\xbf'};
  EXPECT_EQ(base64::encode(bytes), "+/+/");
  EXPECT_EQ(base64::decode("+/+/"), bytes);
}

TEST(base64, round_trips_every_byte_value_and_a_large_audio_payload) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(base64::decode(base64::encode(all)), all);

  std::mt19937 rng(42);
  for (std::size_t size : {std::size_t{511999}, std::size_t{512000}, std::size_t{512001}}) {
    std::string audio(size, '\0');
    for (auto& byte : audio) byte = static_cast<char>(rng() & 0xFFU);
    const std::string text = base64::encode(audio);
    EXPECT_EQ(text.size(), base64::encoded_size(size));
    EXPECT_EQ(base64::decode(text), audio);
  }
}

TEST(base64, rejects_a_length_that_is_not_a_multiple_of_four) {
  EXPECT_EQ(base64::decode("Zg="), std::nullopt);
  EXPECT_EQ(base64::decode("Zg"), std::nullopt);
  EXPECT_EQ(base64::decode("Zm9vY"), std::nullopt);
}

TEST(base64, rejects_characters_outside_the_alphabet) {
  EXPECT_EQ(base64::decode("Zm9v!A=="), std::nullopt);
  EXPECT_EQ(base64::decode("Zm9v\nYmFy"), std::nullopt);
  EXPECT_EQ(base64::decode("Zm9 "), std::nullopt);
  EXPECT_EQ(base64::decode("-_-_"), std::nullopt);  // URL-safe alphabet is not accepted
  EXPECT_EQ(base64::decode(std::string("Zm\0v", 4)), std::nullopt);
}

TEST(base64, rejects_misplaced_or_excess_padding) {
  EXPECT_EQ(base64::decode("Zg==Zg=="), std::nullopt);
  EXPECT_EQ(base64::decode("Z==="), std::nullopt);
  EXPECT_EQ(base64::decode("===="), std::nullopt);
  EXPECT_EQ(base64::decode("Z=g="), std::nullopt);
  EXPECT_EQ(base64::decode("=Zg="), std::nullopt);
}

TEST(base64, rejects_non_canonical_trailing_bits) {
  EXPECT_EQ(base64::decode("Zh=="), std::nullopt);  // "Zg==" with a stray low bit
  EXPECT_EQ(base64::decode("Zm9="), std::nullopt);  // "Zm8=" with stray low bits
}

TEST(base64, decode_append_appends_and_leaves_the_buffer_untouched_on_failure) {
  std::string buffer = "ab";
  EXPECT_TRUE(base64::decode_append("Zm9v", buffer));
  EXPECT_EQ(buffer, "abfoo");
  EXPECT_FALSE(base64::decode_append("Zm9vYmF!", buffer));
  EXPECT_EQ(buffer, "abfoo");
  EXPECT_FALSE(base64::decode_append("Zh==", buffer));
  EXPECT_EQ(buffer, "abfoo");

  std::string encoded = "x";
  base64::encode_append("fo", encoded);
  EXPECT_EQ(encoded, "xZm8=");
}

}  // namespace
}  // namespace lingua::protocol

namespace lingua::protocol {
namespace {

// decoded_size is the check behind audio passed on as base64: it must accept and refuse exactly what decode does.
TEST(base64, decoded_size_accepts_and_refuses_exactly_what_decode_does) {
  const std::vector<std::string> texts = {
      "",         "Zg==",     "Zm8=",         "Zm9v",      "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy", "+/+/",
      "Zg=",      "Zg",       "Zm9vY",        "Zm9v!A==",  "Zm9v\nYmFy", "Zm9 ",   "-_-_",     "Zg==Zg==",
      "Z===",     "====",     "Z=g=",         "=Zg=",      "Zh==",     "Zm9=",     std::string("Zm\0v", 4),
      "Zm9vYmFy\xff\xff\xff\xff"};
  for (const auto& text : texts) {
    const auto bytes = base64::decode(text);
    const auto size = base64::decoded_size(text);
    ASSERT_EQ(bytes.has_value(), size.has_value()) << '"' << text << '"';
    if (bytes) {
      EXPECT_EQ(*size, bytes->size()) << '"' << text << '"';
      EXPECT_EQ(base64::decoded_size_of_valid(text), bytes->size()) << '"' << text << '"';
    }
  }
  std::string audio(6400, '\0');
  for (std::size_t i = 0; i < audio.size(); ++i) audio[i] = static_cast<char>(i * 7 % 256);
  EXPECT_EQ(base64::decoded_size(base64::encode(audio)), audio.size());
}

}  // namespace
}  // namespace lingua::protocol
