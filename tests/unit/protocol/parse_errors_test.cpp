// Every class of unparseable frame gives a parse_error whose message names the offending field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "protocol/node_messages.hpp"
#include "protocol/session_messages.hpp"

namespace lingua::protocol {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

std::string session_error(std::string_view text) {
  const auto result = parse_session_message(text);
  if (result.has_value()) return "<parsed>";
  return result.error().message;
}

std::string node_error_text(std::string_view text) {
  const auto result = parse_node_message(text);
  if (result.has_value()) return "<parsed>";
  return result.error().message;
}

constexpr std::string_view heartbeat_prefix =
    R"({"type":"node_heartbeat","node_id":"n","timestamp":1,"capability_by_type":[],)";

TEST(parse_errors, invalid_json_is_rejected) {
  EXPECT_THAT(session_error("{not json"), StartsWith("invalid JSON: "));
  EXPECT_THAT(session_error(""), StartsWith("invalid JSON: "));
  EXPECT_THAT(session_error(R"({"type":"room_leave","room_code":"1"} trailing)"), StartsWith("invalid JSON: "));
  EXPECT_THAT(session_error("{\"type\":\"room_leave\",\"room_code\":\"\xff\"}"), StartsWith("invalid JSON: "));
  EXPECT_THAT(node_error_text("{\"type\":"), StartsWith("invalid JSON: "));
}

TEST(parse_errors, a_json_value_that_is_not_an_object_is_rejected) {
  EXPECT_EQ(session_error("[1,2]"), "expected a JSON object, found array");
  EXPECT_EQ(session_error("\"session_init\""), "expected a JSON object, found string \"session_init\"");
  EXPECT_EQ(session_error("42"), "expected a JSON object, found integer 42");
  EXPECT_EQ(node_error_text("null"), "expected a JSON object, found null");
}

TEST(parse_errors, a_missing_or_non_string_type_is_rejected) {
  EXPECT_EQ(session_error(R"({"session_id":"s-1"})"), "missing field `type`");
  EXPECT_EQ(session_error(R"({"type":5})"), "invalid type for field `type`: expected a string, found integer 5");
  EXPECT_EQ(node_error_text(R"({"type":null})"), "invalid type for field `type`: expected a string, found null");
}

TEST(parse_errors, an_unknown_type_is_rejected) {
  EXPECT_EQ(session_error(R"({"type":"bogus"})"), "unknown message type `bogus` in field `type`");
  EXPECT_EQ(session_error(R"({"type":"node_register"})"), "unknown message type `node_register` in field `type`");
  EXPECT_EQ(node_error_text(R"({"type":"session_init"})"), "unknown message type `session_init` in field `type`");
  EXPECT_EQ(session_error(R"({"type":"Session_Init"})"), "unknown message type `Session_Init` in field `type`");
}

TEST(parse_errors, a_missing_required_field_is_named) {
  EXPECT_EQ(session_error(R"({"type":"audio_chunk","session_id":"s-1","is_final":false})"), "missing field `seq`");
  EXPECT_EQ(session_error(R"({"type":"webrtc_offer","room_code":"1","to":"s-2"})"), "missing field `sdp`");
  EXPECT_EQ(session_error(R"({"type":"utterance","session_id":"s","utterance_index":0,"manual_cut":true,
      "src_lang":"zh","tgt_lang":"en","audio":"","audio_format":"pcm16","sample_rate":16000,
      "pipeline":{"use_asr":true,"use_tts":true}})"),
            "missing field `pipeline.use_nmt`");
  EXPECT_EQ(node_error_text(R"({"type":"node_register","version":"1","platform":"linux","hardware":{"memory_gb":8},
      "installed_models":[],"capability_by_type":[],"features_supported":{},"accept_public_jobs":true})"),
            "missing field `hardware.cpu_cores`");
  EXPECT_EQ(node_error_text(R"({"type":"job_result","job_id":"j","node_id":"n","session_id":"s",
      "utterance_index":0,"success":true,"trace_id":"t"})"),
            "missing field `attempt_id`");
}

TEST(parse_errors, null_for_a_required_field_is_a_type_error) {
  EXPECT_EQ(session_error(R"({"type":"client_heartbeat","session_id":null,"timestamp":1})"),
            "invalid type for field `session_id`: expected a string, found null");
}

TEST(parse_errors, a_wrong_json_type_is_named) {
  EXPECT_EQ(session_error(R"({"type":"audio_chunk","session_id":"s-1","seq":"1","is_final":false})"),
            "invalid type for field `seq`: expected an unsigned integer (u64), found string \"1\"");
  EXPECT_EQ(session_error(R"({"type":"audio_chunk","session_id":"s-1","seq":1,"is_final":"false"})"),
            "invalid type for field `is_final`: expected a boolean, found string \"false\"");
  EXPECT_EQ(session_error(R"({"type":"audio_chunk","session_id":7,"seq":1,"is_final":false})"),
            "invalid type for field `session_id`: expected a string, found integer 7");
  EXPECT_EQ(session_error(R"({"type":"session_init","client_version":"v","platform":"web","src_lang":"zh",
      "tgt_lang":"en","auto_langs":["zh",1]})"),
            "invalid type for field `auto_langs[1]`: expected a string, found integer 1");
  EXPECT_EQ(session_error(R"({"type":"session_init","client_version":"v","platform":"web","src_lang":"zh",
      "tgt_lang":"en","features":[]})"),
            "invalid type for field `features`: expected an object, found array");
  EXPECT_EQ(node_error_text(std::string(heartbeat_prefix) +
                            R"("installed_services":[],"resource_usage":{"cpu_percent":"high","mem_percent":1,
                            "running_jobs":0}})"),
            "invalid type for field `resource_usage.cpu_percent`: expected a number, found string \"high\"");
}

TEST(parse_errors, a_float_for_an_integer_field_is_rejected) {
  EXPECT_EQ(session_error(R"({"type":"audio_chunk","session_id":"s-1","seq":1.5,"is_final":false})"),
            "invalid type for field `seq`: expected an unsigned integer (u64), found floating-point number 1.5");
  EXPECT_THAT(session_error(R"({"type":"audio_chunk","session_id":"s-1","seq":2.0,"is_final":false})"),
              HasSubstr("invalid type for field `seq`"));
  EXPECT_THAT(session_error(R"({"type":"client_heartbeat","session_id":"s-1","timestamp":1e3})"),
              HasSubstr("invalid type for field `timestamp`: expected an integer (i64)"));
  EXPECT_THAT(node_error_text(R"({"type":"job_ack","job_id":"j","attempt_id":1.0,"node_id":"n","session_id":"s",
      "trace_id":"t"})"),
              HasSubstr("`attempt_id`: expected an unsigned integer (u32), found floating-point number"));
  EXPECT_THAT(node_error_text(std::string(heartbeat_prefix) +
                              R"("installed_services":[],"resource_usage":{"cpu_percent":1,"mem_percent":1,
                              "running_jobs":0.5}})"),
              HasSubstr("`resource_usage.running_jobs`"));
}

TEST(parse_errors, a_negative_or_out_of_range_number_for_an_unsigned_field_is_rejected) {
  EXPECT_EQ(session_error(R"({"type":"audio_chunk","session_id":"s-1","seq":-1,"is_final":false})"),
            "invalid value for field `seq`: expected an unsigned integer (u64), found negative integer -1");
  EXPECT_EQ(node_error_text(R"({"type":"job_ack","job_id":"j","attempt_id":4294967296,"node_id":"n",
      "session_id":"s","trace_id":"t"})"),
            "invalid value for field `attempt_id`: expected an unsigned integer (u32), found integer 4294967296 "
            "(out of range)");
  EXPECT_THAT(node_error_text(R"({"type":"node_register","version":"1","platform":"linux",
      "hardware":{"cpu_cores":-4,"memory_gb":8},"installed_models":[],"capability_by_type":[],
      "features_supported":{},"accept_public_jobs":true})"),
              HasSubstr("`hardware.cpu_cores`: expected an unsigned integer (u32), found negative integer -4"));
  EXPECT_THAT(session_error(R"({"type":"client_heartbeat","session_id":"s","timestamp":9223372036854775808})"),
              HasSubstr("`timestamp`: expected an integer (i64), found integer 9223372036854775808 (out of range)"));
}

node_heartbeat heartbeat_of(std::string_view rest) {
  auto parsed = parse_node_message(std::string(heartbeat_prefix) + std::string(rest));
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message);
  if (!parsed) return {};
  auto* hb = std::get_if<node_heartbeat>(&parsed.value());
  EXPECT_NE(hb, nullptr);
  return hb ? *hb : node_heartbeat{};
}

TEST(parse_errors, an_unknown_enum_value_in_a_node_message_drops_only_the_entry_that_holds_it) {
  auto hb = heartbeat_of(R"("resource_usage":{"cpu_percent":1,"mem_percent":1,"running_jobs":0},
      "installed_services":[{"service_id":"x","type":"lexicon","device":"gpu","status":"running"},
      {"service_id":"a","type":"asr","device":"gpu","status":"running"}]})");
  ASSERT_EQ(hb.installed_services.size(), 1U);
  EXPECT_EQ(hb.installed_services[0].service_id, "a");
  ASSERT_EQ(hb.ignored_entries.size(), 1U);
  EXPECT_EQ(hb.ignored_entries[0], "unknown value `lexicon` for field `installed_services[0].type`");

  hb = heartbeat_of(R"("resource_usage":{"cpu_percent":1,"mem_percent":1,"running_jobs":0},"installed_services":[
      {"service_id":"x","type":"asr","device":"tpu","status":"running","model_id":"m1"},
      {"service_id":"y","type":"nmt","device":"gpu","status":"starting"},
      {"service_id":"z","type":"tts","device":"cpu","status":"running"}]})");
  ASSERT_EQ(hb.installed_services.size(), 1U);
  EXPECT_EQ(hb.installed_services[0].service_id, "z");
  EXPECT_FALSE(hb.installed_services[0].model_id.has_value());  // nothing of a dropped entry leaks into the next
  EXPECT_EQ(hb.ignored_entries.size(), 2U);

  hb = heartbeat_of(R"("resource_usage":{"cpu_percent":1,"mem_percent":1,"running_jobs":0},"installed_services":[],
      "status":"busy"})");
  EXPECT_FALSE(hb.status.has_value());

  hb = heartbeat_of(R"("resource_usage":{"cpu_percent":1,"mem_percent":1,"running_jobs":0},"installed_services":[],
      "language_capabilities":{"nmt_capabilities":[{"model_id":"m","languages":[],"rule":"any_to_zh"},
      {"model_id":"n","languages":["en"],"rule":"any_to_any"}]}})");
  ASSERT_TRUE(hb.language_capabilities.has_value());
  ASSERT_TRUE(hb.language_capabilities->nmt_capabilities.has_value());
  ASSERT_EQ(hb.language_capabilities->nmt_capabilities->size(), 1U);
  EXPECT_EQ(hb.language_capabilities->nmt_capabilities->at(0).model_id, "n");
}

TEST(parse_errors, an_unknown_enum_value_in_a_session_message_is_rejected) {
  const auto outbound = parse_session_outbound(R"({"type":"ui_event","trace_id":"t","session_id":"s","job_id":"j",
      "utterance_index":0,"event":"DISPATCHED","status":"ok","error_code":"PROCESSING_ERROR"})");
  ASSERT_FALSE(outbound.has_value());
  EXPECT_THAT(outbound.error().message, HasSubstr("unknown value `PROCESSING_ERROR` for field `error_code`"));
}

TEST(parse_errors, only_the_first_error_is_reported) {
  EXPECT_EQ(session_error(R"({"type":"audio_chunk","seq":-1})"), "missing field `session_id`");
}

}  // namespace
}  // namespace lingua::protocol
