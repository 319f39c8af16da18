#include "protocol/session_messages.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "round_trip.hpp"

namespace lingua::protocol {
namespace {

using test::as_document;
using test::expect_round_trip;
using json = nlohmann::json;

auto inbound = [](std::string_view text) { return parse_session_message(text); };
auto outbound = [](std::string_view text) { return parse_session_outbound(text); };

feature_flags all_features() { return {true, false, true, false, true, false}; }

TEST(session_messages, round_trip_every_inbound_type_with_all_fields) {
  expect_round_trip(session_init{"web-client-v1.0", "web", "auto", "en", "zh-cn", all_features(), "123456", "tenant-1",
                                 "two_way_auto", "zh", "en", std::vector<std::string>{"zh", "en"}, true, 1000,
                                 "trace-1"},
                    inbound);
  expect_round_trip(audio_chunk{"s-3F2A9C1B", 7, false, "AAEC", -5}, inbound);
  expect_round_trip(utterance{"s-1", 3, true, "zh", "en", "yue", all_features(), "AAAA", "pcm16", 16000,
                              "one_way", "zh", "en", std::vector<std::string>{"zh"}, false, 500, "trace-2",
                              pipeline_config{true, false, true, true, false}},
                    inbound);
  expect_round_trip(client_heartbeat{"s-1", 1700000000123}, inbound);
  expect_round_trip(tts_started{"s-1", "trace", "group_s-1_1", 1700000000000}, inbound);
  expect_round_trip(tts_play_ended{"s-1", "trace", "group_s-1_1", 1700000000999}, inbound);
  expect_round_trip(session_close{"s-1", "user_left"}, inbound);
  expect_round_trip(room_create{1700000000000, "Alice", "en"}, inbound);
  expect_round_trip(room_join{"123456", "Bob", "zh"}, inbound);
  expect_round_trip(room_leave{"123456"}, inbound);
  expect_round_trip(room_raw_voice_preference{"123456", "s-2", false}, inbound);
  expect_round_trip(webrtc_offer{"123456", "s-2", json{{"type", "offer"}, {"sdp", "v=0\r\n"}}}, inbound);
  expect_round_trip(webrtc_answer{"123456", "s-1", json{{"type", "answer"}, {"sdp", "v=0\r\n"}}}, inbound);
  expect_round_trip(webrtc_ice{"123456", "s-1", json{{"candidate", "candidate:1 1 UDP 1 1.2.3.4 5 typ host"},
                                                      {"sdpMid", "0"}, {"sdpMLineIndex", 0}}},
                    inbound);
}

TEST(session_messages, round_trip_every_inbound_type_with_only_required_fields) {
  expect_round_trip(session_init{"v", "android", "zh", "en"}, inbound);
  expect_round_trip(audio_chunk{"s-1", 0, true}, inbound);
  expect_round_trip(utterance{"s-1", 0, false, "zh", "en", {}, {}, "", "opus", 16000}, inbound);
  expect_round_trip(room_create{0}, inbound);
  expect_round_trip(room_join{"123456"}, inbound);
  expect_round_trip(webrtc_offer{"123456", "s-2", json(nullptr)}, inbound);
}

translation_result full_translation_result() {
  translation_result r;
  r.session_id = "s-1";
  r.utterance_index = 18446744073709551615ULL;
  r.job_id = "job-0b6f";
  r.text_asr = "你好";
  r.text_translated = "hello";
  r.tts_audio = "AAEC";
  r.tts_format = "opus";
  r.extra = extra_result{"happy", 1.25, "calm", service_timings{1, 2, 3, 6}, 0.98,
                         std::map<std::string, double>{{"zh", 0.98}, {"en", 0.02}}, "ASR_EMPTY"};
  r.trace_id = "trace";
  r.group_id = "group_s-1_17";
  r.part_index = 2;
  r.service_timings = service_timings{10, 20, 30, 60};
  r.network_timings = network_timings{1, 2, 3, 4};
  r.scheduler_sent_at_ms = 1700000000000;
  r.asr_quality_level = "suspect";
  r.reason_codes = std::vector<std::string>{"LOW_CONFIDENCE"};
  r.quality_score = 0.75;
  r.rerun_count = 1;
  r.segments_meta = segments_meta{3, 0.5, 1.25};
  return r;
}

TEST(session_messages, round_trip_every_outbound_type) {
  expect_round_trip(session_init_ack{"s-1", "node-1", "session created", "trace"}, outbound);
  expect_round_trip(session_init_ack{"s-1", std::nullopt, "session created", "trace"}, outbound);
  expect_round_trip(server_heartbeat{"s-1", 1700000000000}, outbound);
  expect_round_trip(asr_partial{"s-1", 4, "", "partial text", false, "trace"}, outbound);
  expect_round_trip(full_translation_result(), outbound);
  expect_round_trip(translation_result{}, outbound);
  expect_round_trip(missing_result{"s-1", 5, "silence_detected", 1700000000000, "trace"}, outbound);
  expect_round_trip(missing_result{"s-1", 5, "silence_detected", 1700000000000, std::nullopt}, outbound);
  expect_round_trip(ui_event{"trace", "s-1", "job-1", 2, ui_event_type::error, 10012, ui_event_status::error,
                             error_code::job_timeout, std::string(hint(error_code::job_timeout))},
                    outbound);
  expect_round_trip(ui_event{"trace", "s-1", "job-1", 2, ui_event_type::dispatched}, outbound);
  expect_round_trip(error_message{"PROCESSING_ERROR", "boom", json{{"service_id", "nmt-m2m100"}}}, outbound);
  expect_round_trip(error_message{"INTERNAL_ERROR", "Failed to process message: x", std::nullopt}, outbound);
  expect_round_trip(session_close_ack{"s-1"}, outbound);
  expect_round_trip(room_create_ack{"123456", "6f1e9a2c-0000-4000-8000-000000000000"}, outbound);
  expect_round_trip(
      room_members{"123456",
                   {room_participant{"s-1", "s-1", "Alice", "en", std::map<std::string, bool>{{"s-2", false}},
                                     "2026-01-01T00:00:00Z"},
                    room_participant{"s-2", "s-2", std::nullopt, std::nullopt, std::nullopt, "2026-01-01T00:00:01Z"}}},
      outbound);
  expect_round_trip(room_error{"ROOM_NOT_FOUND", "房间不存在"}, outbound);
  expect_round_trip(room_error{"INTERNAL_ERROR", std::nullopt}, outbound);
  expect_round_trip(room_expired{"123456", "30分钟无人发言，房间已过期"}, outbound);
  expect_round_trip(webrtc_offer{"123456", "s-1", json{{"type", "offer"}}}, outbound);
  expect_round_trip(webrtc_answer{"123456", "s-1", json{{"type", "answer"}}}, outbound);
  expect_round_trip(webrtc_ice{"123456", "s-1", json{{"candidate", ""}}}, outbound);
  expect_round_trip(backpressure{backpressure_action::slow_down, 500, "slow down"}, outbound);
  expect_round_trip(backpressure{backpressure_action::pause}, outbound);
}

TEST(session_messages, session_init_ack_carries_the_fixed_negotiation_values) {
  session_init_ack ack;
  ack.session_id = "s-3F2A9C1B";
  ack.trace_id = "trace-1";
  const std::string text = to_json(ack);
  EXPECT_THAT(text, testing::StartsWith(R"({"type":"session_init_ack",)"));
  EXPECT_EQ(json::parse(text), json::parse(R"({"type":"session_init_ack","session_id":"s-3F2A9C1B",
      "message":"session created","trace_id":"trace-1","protocol_version":"1.0","use_binary_frame":false,
      "negotiated_codec":"opus","negotiated_audio_format":"opus","negotiated_sample_rate":16000,
      "negotiated_channel_count":1})"));
}

TEST(session_messages, translation_result_always_writes_its_text_and_audio_fields) {
  translation_result r;
  r.session_id = "s-1";
  r.utterance_index = 0;
  r.job_id = "job-1";
  r.trace_id = "trace";
  r.scheduler_sent_at_ms = 1700000000000;
  EXPECT_EQ(as_document(r), json::parse(R"({"type":"translation_result","session_id":"s-1","utterance_index":0,
      "job_id":"job-1","text_asr":"","text_translated":"","tts_audio":"","tts_format":"pcm16","trace_id":"trace",
      "scheduler_sent_at_ms":1700000000000})"));
}

TEST(session_messages, ui_event_has_the_reference_shape) {
  const ui_event error_event{"trace", "s-1", "job-1", 3, ui_event_type::error, 10012, ui_event_status::error,
                             error_code::no_available_node, std::string(hint(error_code::no_available_node))};
  EXPECT_EQ(as_document(error_event), json::parse(R"({"type":"ui_event","trace_id":"trace","session_id":"s-1",
      "job_id":"job-1","utterance_index":3,"event":"ERROR","elapsed_ms":10012,"status":"error",
      "error_code":"NO_AVAILABLE_NODE","hint":"暂无可用的翻译节点，请稍后重试。"})"));

  const ui_event dispatched{"trace", "s-1", "job-1", 3, ui_event_type::dispatched};
  EXPECT_EQ(as_document(dispatched), json::parse(R"({"type":"ui_event","trace_id":"trace","session_id":"s-1",
      "job_id":"job-1","utterance_index":3,"event":"DISPATCHED","status":"ok"})"));
}

TEST(session_messages, absent_optionals_are_omitted_from_the_output) {
  const auto init = as_document(session_init{"v", "web", "zh", "en"});
  EXPECT_EQ(init, json::parse(R"({"type":"session_init","client_version":"v","platform":"web","src_lang":"zh",
      "tgt_lang":"en"})"));
  EXPECT_EQ(as_document(room_error{"ROOM_NOT_FOUND", std::nullopt}),
            json::parse(R"({"type":"room_error","code":"ROOM_NOT_FOUND"})"));
  EXPECT_EQ(as_document(error_message{"INTERNAL_ERROR", "x", std::nullopt}),
            json::parse(R"({"type":"error","code":"INTERNAL_ERROR","message":"x"})"));
}

TEST(session_messages, parse_the_web_clients_real_two_way_session_init) {
  const auto parsed = parse_session_message(R"({"type":"session_init","client_version":"web-client-v1.0",
      "platform":"web","src_lang":"auto","tgt_lang":"en","dialect":null,"features":{},"pairing_code":null,
      "mode":"two_way_auto","lang_a":"zh","lang_b":"en","auto_langs":["zh","en"],
      "trace_id":"0d8f5b8e-6c3a-4c1e-9b7e-3f2a9c1b0e11","tenant_id":null})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const auto& init = std::get<session_init>(*parsed);
  EXPECT_EQ(init.client_version, "web-client-v1.0");
  EXPECT_EQ(init.platform, "web");
  EXPECT_EQ(init.src_lang, "auto");
  EXPECT_EQ(init.tgt_lang, "en");
  EXPECT_EQ(init.dialect, std::nullopt);
  EXPECT_EQ(init.features, feature_flags{});
  EXPECT_EQ(init.pairing_code, std::nullopt);
  EXPECT_EQ(init.tenant_id, std::nullopt);
  EXPECT_EQ(init.mode, "two_way_auto");
  EXPECT_EQ(init.lang_a, "zh");
  EXPECT_EQ(init.lang_b, "en");
  EXPECT_EQ(init.auto_langs, (std::vector<std::string>{"zh", "en"}));
  EXPECT_EQ(init.trace_id, "0d8f5b8e-6c3a-4c1e-9b7e-3f2a9c1b0e11");
}

TEST(session_messages, parse_the_web_clients_audio_chunks_and_final_marker) {
  const auto chunk = parse_session_message(R"({"type":"audio_chunk","session_id":"s-1","seq":12,"is_final":false,
      "payload":"AAEC"})");
  ASSERT_TRUE(chunk.has_value()) << chunk.error().message;
  EXPECT_EQ(std::get<audio_chunk>(*chunk), (audio_chunk{"s-1", 12, false, "AAEC", std::nullopt}));

  const auto final_marker =
      parse_session_message(R"({"type":"audio_chunk","session_id":"s-1","seq":13,"is_final":true,"payload":""})");
  ASSERT_TRUE(final_marker.has_value()) << final_marker.error().message;
  EXPECT_EQ(std::get<audio_chunk>(*final_marker).payload, "");
}

TEST(session_messages, null_is_accepted_as_absent_for_optional_fields) {
  const auto parsed = parse_session_message(R"({"type":"utterance","session_id":"s-1","utterance_index":1,
      "manual_cut":true,"src_lang":"zh","tgt_lang":"en","dialect":null,"features":null,"audio":"","audio_format":"pcm16",
      "sample_rate":16000,"mode":null,"lang_a":null,"lang_b":null,"auto_langs":null,"enable_streaming_asr":null,
      "partial_update_interval_ms":null,"trace_id":null,
      "pipeline":{"use_asr":true,"use_nmt":true,"use_tts":false,"use_semantic":null}})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const auto& u = std::get<utterance>(*parsed);
  EXPECT_EQ(u, (utterance{"s-1", 1, true, "zh", "en", {}, {}, "", "pcm16", 16000, {}, {}, {}, {}, {}, {}, {},
                          pipeline_config{true, true, false, false, false}}));
}

TEST(session_messages, unknown_fields_are_ignored) {
  const auto parsed = parse_session_message(R"({"type":"client_heartbeat","session_id":"s-1","timestamp":5,
      "extra_field":{"nested":[1,2,3]},"another":null})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(std::get<client_heartbeat>(*parsed), (client_heartbeat{"s-1", 5}));
}

TEST(session_messages, extra_result_keeps_only_the_listed_keys) {
  const auto parsed = parse_session_outbound(R"({"type":"translation_result","session_id":"s-1","utterance_index":0,
      "job_id":"j","text_asr":"a","text_translated":"b","tts_audio":"","tts_format":"opus","trace_id":"t",
      "scheduler_sent_at_ms":1,"extra":{"emotion":"happy","audioBuffered":true,"speech_rate":null,"custom":{"x":1},
      "reason":"NO_TEXT_ASSIGNED"}})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const auto& extra = std::get<translation_result>(*parsed).extra;
  ASSERT_TRUE(extra.has_value());
  EXPECT_EQ(*extra, (extra_result{"happy", {}, {}, {}, {}, {}, "NO_TEXT_ASSIGNED"}));
  EXPECT_EQ(as_document(std::get<translation_result>(*parsed))["extra"],
            json::parse(R"({"emotion":"happy","reason":"NO_TEXT_ASSIGNED"})"));
}

TEST(session_messages, webrtc_payloads_are_opaque_and_may_be_null) {
  const auto parsed = parse_session_message(R"({"type":"webrtc_ice","room_code":"123456","to":"s-2",
      "candidate":null})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(std::get<webrtc_ice>(*parsed).candidate.is_null());
  EXPECT_EQ(to_json(std::get<webrtc_ice>(*parsed)),
            R"({"type":"webrtc_ice","room_code":"123456","to":"s-2","candidate":null})");

  const auto offer = parse_session_message(R"({"type":"webrtc_offer","room_code":"1","to":"s-2",
      "sdp":{"type":"offer","sdp":"v=0","unknown":[1,{"a":null}]}})");
  ASSERT_TRUE(offer.has_value()) << offer.error().message;
  EXPECT_EQ(std::get<webrtc_offer>(*offer).sdp,
            json::parse(R"({"type":"offer","sdp":"v=0","unknown":[1,{"a":null}]})"));
}

TEST(session_messages, well_formed_scheduler_types_sent_by_a_client_are_unhandled_not_errors) {
  const auto result = parse_session_message(R"({"type":"server_heartbeat","session_id":"s-1","timestamp":1})");
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(std::get<session_unhandled>(*result).type, "server_heartbeat");

  const auto legacy = parse_session_message(R"({"type":"language_detected","session_id":"s","lang":"zh"})");
  ASSERT_TRUE(legacy.has_value()) << legacy.error().message;
  EXPECT_EQ(std::get<session_unhandled>(*legacy).type, "language_detected");
  EXPECT_EQ(to_json(*legacy), R"({"type":"language_detected"})");

  const auto malformed = parse_session_message(R"({"type":"translation_result","session_id":"s-1"})");
  ASSERT_FALSE(malformed.has_value());
  EXPECT_THAT(malformed.error().message, testing::HasSubstr("`utterance_index`"));
}

TEST(session_messages, the_invalid_message_reply_wraps_the_parse_error) {
  const auto result = parse_session_message(R"({"type":"audio_chunk","session_id":"s-1","is_final":true})");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(as_document(make_invalid_message_error(result.error())),
            json::parse(R"({"type":"error","code":"INVALID_MESSAGE",
                "message":"Invalid message format: missing field `seq`"})"));
}

TEST(session_messages, strings_are_escaped_and_invalid_utf8_is_replaced) {
  const std::string text = "quote\" backslash\\ newline\n tab\t bell\x07 中文 bad\xff\xfe end";
  const std::string out = to_json(asr_partial{"s-1", 0, "", text, false, "t"});
  EXPECT_THAT(out, testing::HasSubstr(R"("text":"quote\" backslash\\ newline\n tab\t bell\u0007 中文 bad)"
                                      "\xEF\xBF\xBD\xEF\xBF\xBD"
                                      R"( end")"));
  const auto parsed = parse_session_outbound(out);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(std::get<asr_partial>(*parsed).text,
            "quote\" backslash\\ newline\n tab\t bell\x07 中文 bad\xEF\xBF\xBD\xEF\xBF\xBD end");

  // Overlong encodings, surrogates and truncated sequences are not well-formed UTF-8 either.
  const std::string bad = "\xC0\xAF|\xED\xA0\x80|\xF4\x90\x80\x80|\xE4\xB8";
  EXPECT_TRUE(json::accept(to_json(asr_partial{"s", 0, "", bad, false, "t"})));
}

TEST(session_messages, floats_keep_their_digits_and_stay_floats) {
  translation_result r;
  r.quality_score = 0.95;
  r.extra = extra_result{};
  r.extra->speech_rate = 1;
  const std::string out = to_json(r);
  EXPECT_THAT(out, testing::HasSubstr(R"("quality_score":0.95)"));
  EXPECT_THAT(out, testing::HasSubstr(R"("speech_rate":1.0)"));
  const auto parsed = parse_session_outbound(out);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(std::get<translation_result>(*parsed).quality_score, 0.95);
}

TEST(session_messages, integer_fields_cover_their_full_range) {
  expect_round_trip(audio_chunk{"s", 18446744073709551615ULL, false, std::nullopt, -9223372036854775807LL - 1},
                    inbound);
  expect_round_trip(client_heartbeat{"s", 9223372036854775807LL}, inbound);
  const auto float_payload_number = parse_session_message(R"({"type":"room_create","client_ts":1.0})");
  EXPECT_FALSE(float_payload_number.has_value());
}

}  // namespace
}  // namespace lingua::protocol
