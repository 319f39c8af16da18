#pragma once
// Test helpers: serialise a message, parse it back with the given parser, and compare.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace lingua::protocol::test {

template <class Message, class Parse>
void expect_round_trip(const Message& message, Parse parse) {
  const std::string text = to_json(message);
  auto parsed = parse(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message << "\n" << text;
  ASSERT_TRUE(std::holds_alternative<Message>(*parsed)) << "parsed as alternative " << parsed->index() << ": " << text;
  EXPECT_TRUE(std::get<Message>(*parsed) == message) << text;
  EXPECT_EQ(to_json(std::get<Message>(*parsed)), text);
}

// The serialised message as a JSON document (for shape comparisons that ignore key order).
template <class Message>
nlohmann::json as_document(const Message& message) {
  return nlohmann::json::parse(to_json(message));
}

}  // namespace lingua::protocol::test
