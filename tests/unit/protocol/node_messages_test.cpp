#include "protocol/node_messages.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "round_trip.hpp"

namespace lingua::protocol {
namespace {

using test::as_document;
using test::expect_round_trip;
using json = nlohmann::json;

auto inbound = [](std::string_view text) { return parse_node_message(text); };
auto outbound = [](std::string_view text) { return parse_node_outbound(text); };

node_language_capabilities full_language_capabilities() {
  return {std::vector<std::string>{"zh", "en"},
          std::vector<std::string>{"zh"},
          std::vector<std::string>{"zh", "en"},
          true,
          std::vector<nmt_capability>{
              nmt_capability{"m2m100", {"zh", "en", "ja"}, nmt_rule::any_to_any,
                             std::vector<language_pair>{{"ja", "zh"}}, std::vector<language_pair>{{"zh", "en"}}},
              nmt_capability{"opus-mt-zh-en", {"zh", "en"}, nmt_rule::specific_pairs}}};
}

node_register full_node_register() {
  node_register m;
  m.node_id = "node-1";
  m.version = "2.0.0";
  m.capability_schema_version = "2.0";
  m.platform = "linux";
  m.hardware = hardware_info{16, 64, std::vector<gpu_info>{{"RTX 4090", 24}}};
  m.installed_models = {installed_model{"whisper", "asr", "zh", "en", "yue", "1.0.0", true},
                        installed_model{"piper", "tts", {}, {}, {}, "0.1", {}}};
  m.installed_services = std::vector<installed_service>{
      installed_service{"faster-whisper-vad", service_type::asr, device_type::gpu, service_status::running, "2.0",
                        "whisper", "ctranslate2", 4096, 1500, std::nullopt},
      installed_service{"punct", service_type::punctuation, device_type::cpu, service_status::error, {}, {}, {}, {},
                        {}, "crashed"}};
  m.capability_by_type = {capability_by_type{service_type::asr, true, {}, std::vector<std::string>{"fw"}},
                          capability_by_type{service_type::tts, false, "only_cpu_running", {}}};
  m.features_supported = feature_flags{true, {}, {}, {}, {}, false};
  m.advanced_features = std::vector<std::string>{"batched_inference"};
  m.accept_public_jobs = true;
  m.language_capabilities = full_language_capabilities();
  m.max_concurrent_jobs = 4;
  return m;
}

node_heartbeat full_node_heartbeat() {
  node_heartbeat m;
  m.node_id = "node-1";
  m.timestamp = 1700000000000;
  m.resource_usage = resource_usage{12.5, 40.25, 80.0, 55.5, 2};
  m.installed_models = std::vector<installed_model>{installed_model{"m", "nmt", {}, {}, {}, "1", {}}};
  m.installed_services = {installed_service{"s", service_type::semantic, device_type::gpu, service_status::stopped}};
  m.capability_by_type = {capability_by_type{service_type::semantic, false, "no_running_impl", {}}};
  m.rerun_metrics = json::parse(R"({"totalReruns":1,"successfulReruns":1,"failedReruns":0,"timeoutReruns":0,
      "qualityImprovements":1})");
  m.asr_metrics = json::parse(R"({"processingEfficiency":null})");
  m.processing_metrics = json::parse(R"({"serviceEfficiencies":{"nmt-m2m100":12.5}})");
  m.language_capabilities = full_language_capabilities();
  m.max_concurrent_jobs = 8;
  m.status = node_status::draining;
  return m;
}

job_result full_job_result() {
  job_result m;
  m.job_id = "job-1";
  m.attempt_id = 4294967295U;
  m.node_id = "node-1";
  m.session_id = "s-1";
  m.utterance_index = 9;
  m.success = false;
  m.text_asr = "你好";
  m.text_translated = "hello";
  m.tts_audio = "AAEC";
  m.tts_format = "opus";
  m.extra = extra_result{"neutral", 1.5, "calm", service_timings{1, 2, 3, 4}, 0.5,
                         std::map<std::string, double>{{"zh", 0.5}}, "ASR_EMPTY"};
  m.processing_time_ms = 1234;
  m.error = job_error{"MODEL_NOT_AVAILABLE", "missing",
                      json{{"service_id", "nmt-m2m100"}, {"service_version", "1.0"}, {"reason", "not_installed"}}};
  m.trace_id = "trace";
  m.group_id = "g";
  m.part_index = 1;
  m.node_completed_at_ms = 1700000000001;
  m.asr_quality_level = "bad";
  m.reason_codes = std::vector<std::string>{"SHORT"};
  m.quality_score = 0.125;
  m.rerun_count = 2;
  m.segments_meta = segments_meta{2, 0.25, 0.75};
  return m;
}

job_assign minimal_job_assign() {
  return job_assign{.job_id = "job-1",
                    .attempt_id = 1,
                    .session_id = "s-1",
                    .utterance_index = 0,
                    .src_lang = "auto",
                    .tgt_lang = "en",
                    .audio = "AAEC",
                    .audio_format = "opus",
                    .sample_rate = 16000,
                    .trace_id = "trace"};
}

job_assign full_job_assign() {
  job_assign m = minimal_job_assign();
  m.dialect = "yue";
  m.features = feature_flags{{}, true, {}, {}, {}, {}};
  m.pipeline = pipeline_config{true, true, false, true, true};
  m.mode = "two_way_auto";
  m.lang_a = "zh";
  m.lang_b = "en";
  m.auto_langs = std::vector<std::string>{"zh", "en"};
  m.enable_streaming_asr = true;
  m.partial_update_interval_ms = 1000;
  m.group_id = "g";
  m.part_index = 3;
  m.context_text = "上文";
  m.padding_ms = 280;
  m.is_manual_cut = true;
  m.is_timeout_triggered = true;
  m.is_max_duration_triggered = true;
  m.turn_id = "2b1c";
  return m;
}

TEST(node_messages, round_trip_every_inbound_type) {
  expect_round_trip(full_node_register(), inbound);
  expect_round_trip(node_register{}, inbound);
  expect_round_trip(full_node_heartbeat(), inbound);
  expect_round_trip(node_heartbeat{}, inbound);
  expect_round_trip(job_ack{"job-1", 1, "node-1", "s-1", "trace"}, inbound);
  expect_round_trip(job_started{"job-1", 2, "node-1", "s-1", "trace"}, inbound);
  expect_round_trip(node_asr_partial{"job-1", "node-1", "s-1", 3, "部分", true, "trace"}, inbound);
  expect_round_trip(full_job_result(), inbound);
  expect_round_trip(job_result{}, inbound);
  expect_round_trip(node_error{"node-1", "GPU_LOST", "gpu gone", json{{"gpu", 0}}}, inbound);
  expect_round_trip(node_error{"node-1", "GPU_LOST", "gpu gone", std::nullopt}, inbound);
  expect_round_trip(error_message{"PROCESSING_ERROR", "x", json::array({1, 2})}, inbound);
}

TEST(node_messages, round_trip_every_outbound_type) {
  expect_round_trip(node_register_ack{"node-1"}, outbound);
  expect_round_trip(minimal_job_assign(), outbound);
  expect_round_trip(full_job_assign(), outbound);
  expect_round_trip(job_cancel{"job-1", "trace", "job_timeout"}, outbound);
  expect_round_trip(job_cancel{"job-1", std::nullopt, std::nullopt}, outbound);
  expect_round_trip(error_message{"INTERNAL_ERROR", "x", std::nullopt}, outbound);
  expect_round_trip(node_control{"shutdown", "maintenance"}, outbound);
  expect_round_trip(node_control{"reload_config", std::nullopt}, outbound);
}

TEST(node_messages, node_register_ack_has_the_reference_shape) {
  EXPECT_EQ(as_document(node_register_ack{"node-3F2A9C1B"}),
            json::parse(R"({"type":"node_register_ack","node_id":"node-3F2A9C1B",
                "message":"Node registered successfully","status":"registering"})"));
}

TEST(node_messages, job_assign_writes_all_five_pipeline_keys_and_omits_false_flags) {
  job_assign m = minimal_job_assign();
  m.enable_streaming_asr = true;
  m.partial_update_interval_ms = 1000;
  m.padding_ms = 220;
  m.turn_id = "turn-1";
  EXPECT_EQ(as_document(m), json::parse(R"({"type":"job_assign","job_id":"job-1","attempt_id":1,"session_id":"s-1",
      "utterance_index":0,"src_lang":"auto","tgt_lang":"en",
      "pipeline":{"use_asr":true,"use_nmt":true,"use_tts":true,"use_semantic":false,"use_tone":false},
      "audio":"AAEC","audio_format":"opus","sample_rate":16000,"enable_streaming_asr":true,
      "partial_update_interval_ms":1000,"trace_id":"trace","padding_ms":220,"turn_id":"turn-1"})"));
}

TEST(node_messages, job_assign_writes_each_finalize_flag_only_when_true) {
  job_assign m = minimal_job_assign();
  m.is_timeout_triggered = true;
  const auto document = as_document(m);
  EXPECT_EQ(document["is_timeout_triggered"], true);
  EXPECT_FALSE(document.contains("is_manual_cut"));
  EXPECT_FALSE(document.contains("is_max_duration_triggered"));

  const auto parsed = parse_node_outbound(R"({"type":"job_assign","job_id":"j","attempt_id":1,"session_id":"s",
      "utterance_index":0,"src_lang":"zh","tgt_lang":"en","pipeline":{"use_asr":true,"use_nmt":true,"use_tts":true},
      "audio":"","audio_format":"opus","sample_rate":16000,"trace_id":"t","is_manual_cut":null})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const auto& assign = std::get<job_assign>(*parsed);
  EXPECT_FALSE(assign.is_manual_cut);
  EXPECT_FALSE(assign.is_timeout_triggered);
  EXPECT_FALSE(assign.pipeline.use_semantic);
  EXPECT_FALSE(assign.pipeline.use_tone);
}

TEST(node_messages, parse_the_electron_nodes_real_node_register) {
  const auto parsed = parse_node_message(R"({"type":"node_register","node_id":null,"version":"2.0.0",
      "capability_schema_version":"2.0","platform":"windows",
      "hardware":{"cpu_cores":16,"memory_gb":32,"gpus":[{"name":"NVIDIA GeForce RTX 4090","memory_gb":24}]},
      "installed_models":[{"model_id":"faster-whisper-large-v3","kind":"asr","src_lang":null,"tgt_lang":null,
        "dialect":null,"version":"1.0.0","enabled":true}],
      "installed_services":[
        {"service_id":"faster-whisper-vad","type":"asr","device":"gpu","status":"running","version":"2.0.0"},
        {"service_id":"nmt-m2m100","type":"nmt","device":"gpu","status":"running"},
        {"service_id":"piper-tts","type":"tts","device":"cpu","status":"stopped"},
        {"service_id":"semantic-repair-zh","type":"semantic","device":"gpu","status":"running","model_id":"sr-zh"}],
      "capability_by_type":[
        {"type":"asr","ready":true,"ready_impl_ids":["faster-whisper-vad"],"devices":["gpu"]},
        {"type":"nmt","ready":true,"ready_impl_ids":["nmt-m2m100"]},
        {"type":"tts","ready":false,"reason":"gpu_impl_not_running"},
        {"type":"tone","ready":false,"reason":"no_impl"},
        {"type":"semantic","ready":true,"ready_impl_ids":["semantic-repair-zh"]}],
      "features_supported":{"emotion_detection":false,"speaker_identification":false},
      "accept_public_jobs":true,
      "language_capabilities":{"asr_languages":["zh","en"],"tts_languages":["zh","en"],
        "semantic_languages":["zh","en"],
        "nmt_capabilities":[{"model_id":"nmt-m2m100","languages":["zh","en"],"rule":"any_to_any",
          "supported_pairs":[{"src":"zh","tgt":"en"},{"src":"en","tgt":"zh"}]}],
        "supported_language_pairs":[{"src":"zh","tgt":"en"},{"src":"en","tgt":"zh"}]}})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const auto& m = std::get<node_register>(*parsed);
  EXPECT_EQ(m.node_id, std::nullopt);
  EXPECT_EQ(m.version, "2.0.0");
  EXPECT_EQ(m.platform, "windows");
  EXPECT_EQ(m.hardware, (hardware_info{16, 32, std::vector<gpu_info>{{"NVIDIA GeForce RTX 4090", 24}}}));
  ASSERT_EQ(m.installed_models.size(), 1U);
  EXPECT_EQ(m.installed_models[0].src_lang, std::nullopt);
  ASSERT_TRUE(m.installed_services.has_value());
  ASSERT_EQ(m.installed_services->size(), 4U);
  EXPECT_EQ((*m.installed_services)[3].type, service_type::semantic);
  EXPECT_EQ((*m.installed_services)[2].status, service_status::stopped);
  ASSERT_EQ(m.capability_by_type.size(), 5U);
  EXPECT_EQ(m.capability_by_type[2].reason, "gpu_impl_not_running");
  EXPECT_EQ(m.features_supported.emotion_detection, false);
  EXPECT_TRUE(m.accept_public_jobs);
  ASSERT_TRUE(m.language_capabilities.has_value());
  EXPECT_EQ(m.language_capabilities->asr_languages, (std::vector<std::string>{"zh", "en"}));
  EXPECT_EQ(m.language_capabilities->semantic_languages, (std::vector<std::string>{"zh", "en"}));
  ASSERT_TRUE(m.language_capabilities->nmt_capabilities.has_value());
  const auto& nmt = (*m.language_capabilities->nmt_capabilities)[0];
  EXPECT_EQ(nmt.rule, nmt_rule::any_to_any);
  EXPECT_EQ(nmt.supported_pairs, (std::vector<language_pair>{{"zh", "en"}, {"en", "zh"}}));
  EXPECT_EQ(nmt.blocked_pairs, std::nullopt);
  EXPECT_EQ(m.max_concurrent_jobs, std::nullopt);
}

TEST(node_messages, parse_the_electron_nodes_heartbeat_with_camel_case_metrics) {
  const auto parsed = parse_node_message(R"({"type":"node_heartbeat","node_id":"node-1","timestamp":1700000000000,
      "resource_usage":{"cpu_percent":12.5,"gpu_percent":30,"gpu_mem_percent":null,"mem_percent":48.75,
        "running_jobs":1,"gpu_queue_length":0},
      "installed_models":[],"installed_services":[],"capability_by_type":[],
      "rerun_metrics":{"totalReruns":2,"successfulReruns":1,"failedReruns":1,"timeoutReruns":0,
        "qualityImprovements":1},
      "processing_metrics":{"serviceEfficiencies":{"faster-whisper-vad":8.5}},
      "language_capabilities":{"asr_languages":["zh"],"semantic_languages":["zh"],"semantic_core_ready":true}})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const auto& m = std::get<node_heartbeat>(*parsed);
  EXPECT_EQ(m.resource_usage, (resource_usage{12.5, 30.0, std::nullopt, 48.75, 1, 0}));
  EXPECT_EQ((*m.processing_metrics)["serviceEfficiencies"]["faster-whisper-vad"], 8.5);
  EXPECT_EQ((*m.rerun_metrics)["totalReruns"], 2);
  EXPECT_EQ(m.language_capabilities->semantic_core_ready, true);
  EXPECT_EQ(m.status, std::nullopt);
  EXPECT_EQ(m.max_concurrent_jobs, std::nullopt);
  const auto document = as_document(m);
  EXPECT_TRUE(document["processing_metrics"].contains("serviceEfficiencies"));
  EXPECT_EQ(document["resource_usage"]["gpu_queue_length"], 0) << "kept: it tells a node that serialises its work";
}

TEST(node_messages, heartbeat_extensions_parse_when_present) {
  const auto parsed = parse_node_message(R"({"type":"node_heartbeat","node_id":"n","timestamp":1,
      "resource_usage":{"cpu_percent":0,"mem_percent":0,"running_jobs":0},"installed_services":[],
      "capability_by_type":[],"max_concurrent_jobs":6,"status":"degraded"})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(std::get<node_heartbeat>(*parsed).max_concurrent_jobs, 6U);
  EXPECT_EQ(std::get<node_heartbeat>(*parsed).status, node_status::degraded);
}

TEST(node_messages, parse_the_electron_nodes_empty_ack_result) {
  const auto parsed = parse_node_message(R"({"type":"job_result","job_id":"job-1","attempt_id":1,"node_id":"node-1",
      "session_id":"s-1","utterance_index":2,"success":true,"text_asr":"","text_translated":"","tts_audio":"",
      "extra":{"reason":"NO_TEXT_ASSIGNED","audioBuffered":false,"emotion":null},"trace_id":"t",
      "processing_time_ms":0})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const auto& r = std::get<job_result>(*parsed);
  EXPECT_EQ(r.extra, (extra_result{{}, {}, {}, {}, {}, {}, "NO_TEXT_ASSIGNED"}));
  EXPECT_EQ(r.tts_format, std::nullopt);
  EXPECT_EQ(r.text_asr, "");
  EXPECT_THAT(to_json(r), testing::Not(testing::HasSubstr("audioBuffered")));
}

TEST(node_messages, scheduler_types_sent_by_a_node_are_unhandled_not_errors) {
  const auto parsed = parse_node_message(R"({"type":"job_cancel","job_id":"job-1"})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(std::get<node_unhandled>(*parsed).type, "job_cancel");
  EXPECT_EQ(to_json(*parsed), R"({"type":"job_cancel"})");
}

TEST(node_messages, node_asr_partial_uses_the_asr_partial_tag) {
  EXPECT_THAT(to_json(node_asr_partial{"j", "n", "s", 0, "x", false, "t"}),
              testing::StartsWith(R"({"type":"asr_partial",)"));
}

}  // namespace
}  // namespace lingua::protocol
