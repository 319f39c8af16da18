// The long-string fast path of the frame parser must never change what a text parses to.
#include "protocol/json_parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/session_messages.hpp"

namespace lingua::protocol {
namespace {

std::string long_plain(std::size_t size, char fill = 'A') { return std::string(size, fill); }

void expect_same_as_nlohmann(const std::string& text) {
  const auto reference = nlohmann::json::parse(text, nullptr, false);
  const auto fast = detail::parse_json(text);
  ASSERT_EQ(fast.is_discarded(), reference.is_discarded()) << text.substr(0, 200);
  if (!reference.is_discarded()) {
    EXPECT_EQ(fast, reference) << text.substr(0, 200);
  }
}

TEST(json_parse, long_plain_strings_parse_exactly_as_nlohmann_does) {
  const std::string big = long_plain(5000);
  const std::string b64 = std::string(4000, 'Q') + "+/=";
  const std::vector<std::string> texts{
      R"({"type":"audio_chunk","payload":")" + big + R"(","seq":1})",
      R"({"a":[")" + big + R"(",")" + b64 + R"(",{"b":")" + big + R"("}],"c":"short"})",
      R"({")" + big + R"(":1,"x":")" + big + R"("})",                  // a long key stays with the lexer
      R"({")" + big + R"("  :  ")" + big + R"(" })",                    // key followed by spaces
      R"({"a":")" + big + R"(\n","b":")" + big + R"(\"q"})",            // escapes: not cut out
      R"({"a":")" + big + "中文" + R"(","b":"é"})",                     // non-ASCII: not cut out
      R"({"a":")" + big + R"(","z":"\u0000x"})",                        // existing NUL escape disables splicing
      R"([")" + big + R"(", ")" + big + R"("])",
      R"(")" + big + R"(")",
      long_plain(300, ' ') + R"({"a":")" + big + R"("})" + long_plain(300, '\n'),
  };
  for (const auto& text : texts) expect_same_as_nlohmann(text);
}

TEST(json_parse, invalid_json_with_long_strings_stays_invalid) {
  const std::string big = long_plain(5000);
  const std::vector<std::string> texts{
      R"({"payload":")" + big + R"(",})",                      // trailing comma
      R"({"payload":")" + big,                                 // unterminated string
      R"({"payload":")" + big + R"(" "x":1})",                 // missing comma
      R"({"payload":")" + big + R"("} extra)",                 // trailing garbage
      R"({"payload":")" + big + "\x01" + R"("})",              // raw control character
      R"({"payload":")" + big + "\xff" + R"("})",              // invalid UTF-8
      R"({"payload":")" + big + R"(\q"})",                     // invalid escape
      R"({"payload":)" + big + R"(})",                         // unquoted
  };
  for (const auto& text : texts) expect_same_as_nlohmann(text);
}

TEST(json_parse, a_big_audio_chunk_payload_arrives_intact_in_the_message) {
  std::string payload;
  for (int i = 0; i < 2700; ++i) payload += "AbC+/9z=";
  const auto parsed = parse_session_message(R"({"type":"audio_chunk","session_id":"s-1","seq":3,"is_final":false,
      "payload":")" + payload + R"("})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(std::get<audio_chunk>(*parsed).payload, payload);
}

TEST(json_parse, an_invalid_frame_with_a_long_payload_reports_the_position_in_the_original_text) {
  const std::string text = R"({"type":"audio_chunk","payload":")" + long_plain(1000) + R"(",})";
  const auto parsed = parse_session_message(text);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("column " + std::to_string(text.size())), std::string::npos)
      << parsed.error().message;
}

}  // namespace
}  // namespace lingua::protocol
