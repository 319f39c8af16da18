// Bounds on peer input (protocol/input_limits.hpp): deep JSON is refused before a document is built, ids, codes,
// lists and relayed JSON over their bound are refused with an error naming the field.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "protocol/input_limits.hpp"
#include "protocol/json_parse.hpp"
#include "protocol/node_messages.hpp"
#include "protocol/session_messages.hpp"

namespace lingua::protocol {
namespace {

std::string nested_array(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string ice_with_candidate(const std::string& candidate) {
  return R"({"type":"webrtc_ice","room_code":"123456","to":"s-2","candidate":)" + candidate + "}";
}

TEST(input_limits, the_issue_frame_nested_100000_deep_after_a_long_string_is_refused_without_crashing) {
  const std::string frame = R"({"type":"x","p":")" + std::string(300, 'A') + R"(","d":)" + nested_array(100000) + "}";
  const auto session = parse_session_message(frame);
  ASSERT_FALSE(session);
  EXPECT_NE(session.error().message.find("nested deeper than 64 levels"), std::string::npos);
  const auto node = parse_node_message(frame);
  ASSERT_FALSE(node);
  EXPECT_NE(node.error().message.find("nested deeper than 64 levels"), std::string::npos);
}

TEST(input_limits, nesting_up_to_the_limit_is_accepted_and_one_more_level_is_refused) {
  // The frame object is level 1, so the candidate may open 63 more.
  EXPECT_TRUE(parse_session_message(ice_with_candidate(nested_array(63))));
  const auto refused = parse_session_message(ice_with_candidate(nested_array(64)));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.substr(0, 34), "JSON nested deeper than 64 levels ");
}

TEST(input_limits, the_depth_limit_is_configurable) {
  input_limits strict;
  strict.max_json_depth = 3;
  EXPECT_TRUE(parse_session_message(ice_with_candidate("[[]]"), strict));
  EXPECT_FALSE(parse_session_message(ice_with_candidate("[[[]]]"), strict));
}

TEST(input_limits, brackets_inside_strings_and_escaped_quotes_do_not_count_as_nesting) {
  const std::string text = R"({"type":"webrtc_ice","room_code":"1","to":"s","candidate":")" + std::string(500, '[') +
                           R"(\"{{{{\\"})";
  EXPECT_EQ(detail::exceeds_depth(text, 2), std::string_view::npos);
  EXPECT_TRUE(parse_session_message(text));
  EXPECT_EQ(detail::exceeds_depth(R"(["\\",[[]]])", 2), 7U);  // the escaped backslash does not hide the quote
}

TEST(input_limits, a_registered_nodes_result_with_error_details_nested_300000_deep_is_refused) {
  const std::string frame =
      R"({"type":"job_result","job_id":"j","attempt_id":1,"node_id":"n","session_id":"s","utterance_index":0,)"
      R"("success":false,"error":{"code":"X","message":"m","details":)" +
      nested_array(300000) + R"(},"trace_id":"t"})";
  const auto parsed = parse_node_message(frame);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("nested deeper"), std::string::npos);
}

TEST(input_limits, an_id_longer_than_the_bound_is_refused_naming_the_field) {
  const std::string frame = nlohmann::json{{"type", "client_heartbeat"}, {"session_id", std::string(129, 's')},
                                           {"timestamp", 1}}.dump();
  const auto parsed = parse_session_message(frame);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "field `session_id` is 129 bytes long (at most 128 allowed)");
  EXPECT_TRUE(parse_session_message(nlohmann::json{{"type", "client_heartbeat"},
                                                   {"session_id", std::string(128, 's')},
                                                   {"timestamp", 1}}.dump()));
}

TEST(input_limits, a_node_declaring_more_languages_than_allowed_in_one_list_is_refused) {
  nlohmann::json langs = nlohmann::json::array();
  for (int i = 0; i < 65; ++i) langs.push_back("l" + std::to_string(i));
  const nlohmann::json reg = {{"type", "node_register"},
                              {"version", "1"},
                              {"platform", "linux"},
                              {"hardware", {{"cpu_cores", 1}, {"memory_gb", 1}}},
                              {"installed_models", nlohmann::json::array()},
                              {"capability_by_type", nlohmann::json::array()},
                              {"features_supported", nlohmann::json::object()},
                              {"accept_public_jobs", true},
                              {"language_capabilities", {{"asr_languages", langs}}}};
  const auto parsed = parse_node_message(reg.dump());
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message,
            "field `language_capabilities.asr_languages` has 65 entries (at most 64 allowed)");
}

// issue 7 §2, services per node: the readiness list, the installed services and the models a node declares are
// bounded too (the register script's cost grows with them).
TEST(input_limits, a_node_declaring_more_services_or_models_than_allowed_is_refused) {
  auto registration = [](std::size_t services, std::size_t models) {
    nlohmann::json readiness = nlohmann::json::array();
    const char* types[] = {"asr", "nmt", "tts"};
    for (std::size_t i = 0; i < services; ++i) readiness.push_back({{"type", types[i % 3]}, {"ready", true}});
    nlohmann::json installed = nlohmann::json::array();
    for (std::size_t i = 0; i < models; ++i) {
      installed.push_back({{"model_id", "m" + std::to_string(i)}, {"kind", "asr"}, {"version", "1"}});
    }
    return nlohmann::json{{"type", "node_register"},
                          {"version", "1"},
                          {"platform", "linux"},
                          {"hardware", {{"cpu_cores", 1}, {"memory_gb", 1}}},
                          {"installed_models", installed},
                          {"capability_by_type", readiness},
                          {"features_supported", nlohmann::json::object()},
                          {"accept_public_jobs", true},
                          {"language_capabilities", {{"asr_languages", {"en"}}}}}
        .dump();
  };
  EXPECT_TRUE(parse_node_message(registration(64, 256)));
  const auto services = parse_node_message(registration(65, 1));
  ASSERT_FALSE(services);
  EXPECT_EQ(services.error().message, "field `capability_by_type` has 65 entries (at most 64 allowed)");
  const auto models = parse_node_message(registration(1, 257));
  ASSERT_FALSE(models);
  EXPECT_NE(models.error().message.find("has 257 entries (at most 256 allowed)"), std::string::npos)
      << models.error().message;
}

TEST(input_limits, relayed_json_larger_than_the_bound_is_refused) {
  input_limits small;
  small.max_relayed_json_bytes = 100;
  EXPECT_TRUE(parse_session_message(ice_with_candidate(R"({"candidate":"a"})"), small));
  const auto parsed = parse_session_message(ice_with_candidate("\"" + std::string(101, 'c') + "\""), small);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "field `candidate` is 101 bytes of JSON (at most 100 allowed)");
}

TEST(input_limits, the_internal_limits_accept_what_any_configuration_accepted) {
  const std::string frame = R"({"type":"client_heartbeat","session_id":")" + std::string(5000, 's') +
                            R"(","timestamp":1})";
  EXPECT_TRUE(parse_session_message(frame, internal_input_limits));
  EXPECT_FALSE(nested_deeper_than(nested_array(max_configurable_json_depth), max_configurable_json_depth));
  EXPECT_TRUE(nested_deeper_than(nested_array(max_configurable_json_depth + 1), max_configurable_json_depth));
}

}  // namespace
}  // namespace lingua::protocol
