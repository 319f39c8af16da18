// The main flows of the protocol, end to end: a client and a node over real WebSockets through the real binary.
#include "e2e_fixture.hpp"
#include "protocol/base64.hpp"

namespace lingua::test {
namespace {

using session_flow = scheduler_e2e;

TEST_F(session_flow, session_init_is_acknowledged_with_every_field_of_the_original) {
  auto& scheduler = start_scheduler();
  ws_client ws;
  ws.connect("127.0.0.1", scheduler.port(), "/ws/session");
  ws.send_json({{"type", "session_init"}, {"client_version", "web-client-v1.0"}, {"platform", "web"},
                {"src_lang", "auto"}, {"tgt_lang", "en"}, {"mode", "two_way_auto"}, {"lang_a", "zh"},
                {"lang_b", "en"}, {"auto_langs", {"zh", "en"}}, {"dialect", nullptr}, {"features", nlohmann::json::object()},
                {"pairing_code", nullptr}, {"tenant_id", nullptr}, {"trace_id", "trace-1"}});
  auto ack = expect_message(ws, "session_init_ack");
  EXPECT_TRUE(ack["session_id"].get<std::string>().starts_with("s-"));
  EXPECT_EQ(ack["session_id"].get<std::string>().size(), 10u);
  EXPECT_EQ(ack["message"], "session created");
  EXPECT_EQ(ack["trace_id"], "trace-1");
  EXPECT_EQ(ack["protocol_version"], "1.0");
  EXPECT_EQ(ack["use_binary_frame"], false);
  EXPECT_EQ(ack["negotiated_codec"], "opus");
  EXPECT_EQ(ack["negotiated_audio_format"], "opus");
  EXPECT_EQ(ack["negotiated_sample_rate"], 16000);
  EXPECT_EQ(ack["negotiated_channel_count"], 1);
  EXPECT_FALSE(ack.contains("assigned_node_id")) << "absent optionals are omitted";

  fake_session generated;
  generated.connect(scheduler.port());
  generated.send({{"type", "client_heartbeat"}, {"session_id", generated.id()}, {"timestamp", 1}});
  auto beat = expect_message(generated.socket(), "server_heartbeat");
  EXPECT_EQ(beat["session_id"], generated.id());
  EXPECT_GT(beat["timestamp"].get<std::int64_t>(), 1700000000000);
}

TEST_F(session_flow, a_heartbeat_for_another_session_is_an_invalid_session_error) {
  auto& scheduler = start_scheduler();
  fake_session session;
  session.connect(scheduler.port());
  session.send({{"type", "client_heartbeat"}, {"session_id", "s-NOTMINE0"}, {"timestamp", 1}});
  auto error = expect_message(session.socket(), "error");
  EXPECT_EQ(error["code"], "INVALID_SESSION");
  EXPECT_EQ(error["message"], "Session does not exist");
}

TEST_F(session_flow, a_spoken_utterance_cut_by_the_client_reaches_a_node_and_its_result_reaches_the_speaker) {
  auto& scheduler = start_scheduler();
  fake_node node;
  const std::string node_id = node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port(), "en", "zh");
  session.send_audio(10);
  session.send_audio(5);
  session.send_final();

  auto job = node.next_job();
  ASSERT_TRUE(job);
  EXPECT_TRUE((*job)["job_id"].get<std::string>().starts_with("job-"));
  EXPECT_EQ((*job)["attempt_id"], 1);
  EXPECT_EQ((*job)["session_id"], session.id());
  EXPECT_EQ((*job)["utterance_index"], 0);
  EXPECT_EQ((*job)["src_lang"], "en");
  EXPECT_EQ((*job)["tgt_lang"], "zh");
  EXPECT_EQ((*job)["audio_format"], "opus");
  EXPECT_EQ((*job)["sample_rate"], 16000);
  EXPECT_EQ((*job)["is_manual_cut"], true);
  EXPECT_EQ((*job)["padding_ms"], 280);
  EXPECT_FALSE(job->contains("is_timeout_triggered"));
  for (const char* key : {"use_asr", "use_nmt", "use_tts", "use_semantic", "use_tone"}) {
    EXPECT_TRUE((*job)["pipeline"].contains(key)) << key;
  }
  auto audio = protocol::base64::decode((*job)["audio"].get<std::string>());
  ASSERT_TRUE(audio);
  EXPECT_EQ(audio->size(), 15u * 61u) << "the two chunks, concatenated";

  auto dispatched = expect_message(session.socket(), "ui_event");
  EXPECT_EQ(dispatched["event"], "DISPATCHED");
  EXPECT_EQ(dispatched["job_id"], (*job)["job_id"]);

  node.complete(*job, "hello", "你好");
  auto result = expect_message(session.socket(), "translation_result");
  EXPECT_EQ(result["session_id"], session.id());
  EXPECT_EQ(result["utterance_index"], 0);
  EXPECT_EQ(result["job_id"], (*job)["job_id"]);
  EXPECT_EQ(result["text_asr"], "hello");
  EXPECT_EQ(result["text_translated"], "你好");
  EXPECT_EQ(result["tts_audio"], "AAAA");
  EXPECT_EQ(result["tts_format"], "pcm16");
  EXPECT_TRUE(result.contains("group_id"));
  EXPECT_EQ(result["part_index"], 0);
  EXPECT_EQ(result["service_timings"]["total_ms"], 42);
  EXPECT_GT(result["scheduler_sent_at_ms"].get<std::int64_t>(), 1700000000000);
  (void)node_id;
}

TEST_F(session_flow, streaming_partials_are_relayed_with_an_empty_job_id) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(5, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  node.send({{"type", "asr_partial"}, {"job_id", (*job)["job_id"]}, {"node_id", node.id()},
             {"session_id", session.id()}, {"utterance_index", 0}, {"text", "hel"}, {"is_final", false},
             {"trace_id", (*job)["trace_id"]}});
  auto partial = expect_message(session.socket(), "asr_partial");
  EXPECT_EQ(partial["text"], "hel");
  EXPECT_EQ(partial["job_id"], "");
  EXPECT_EQ(partial["utterance_index"], 0);
}

TEST_F(session_flow, whole_utterances_are_dispatched_in_index_order_with_the_clients_pipeline) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(1, 320, {{"pipeline", {{"use_asr", true}, {"use_nmt", true}, {"use_tts", false}}}});
  session.send_utterance(0, 320, {{"pipeline", {{"use_asr", true}, {"use_nmt", true}, {"use_tts", false}}}});
  auto first = node.next_job();
  auto second = node.next_job();
  ASSERT_TRUE(first && second);
  EXPECT_EQ((*first)["utterance_index"], 0);
  EXPECT_EQ((*second)["utterance_index"], 1);
  EXPECT_EQ((*first)["pipeline"]["use_tts"], false);
  EXPECT_EQ((*first)["audio_format"], "pcm16");
  session.send_utterance(2);
  auto third = node.next_job();
  ASSERT_TRUE(third) << "the order is kept for the whole session, not only its first utterance";
  EXPECT_EQ((*third)["utterance_index"], 2);
}

TEST_F(session_flow, results_reach_the_client_in_utterance_order) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(0);
  session.send_utterance(1);
  auto first = node.next_job();
  auto second = node.next_job();
  ASSERT_TRUE(first && second);
  node.complete(*second, "second", "二");
  node.complete(*first, "first", "一");
  auto a = expect_message(session.socket(), "translation_result");
  auto b = expect_message(session.socket(), "translation_result");
  EXPECT_EQ(a["utterance_index"], 0);
  EXPECT_EQ(b["utterance_index"], 1);
}

TEST_F(session_flow, a_two_way_session_goes_to_a_node_that_handles_both_languages) {
  auto& scheduler = start_scheduler();
  node_spec english_only;
  english_only.asr = english_only.tts = english_only.semantic = {"en", "de"};
  fake_node wrong(english_only);
  wrong.connect(scheduler.port());
  fake_node right;
  right.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port(), "auto", "en",
                  {{"mode", "two_way_auto"}, {"lang_a", "zh"}, {"lang_b", "en"}, {"auto_langs", {"zh", "en"}}});
  session.send_audio(5, true);
  auto job = right.next_job();
  ASSERT_TRUE(job);
  EXPECT_EQ((*job)["src_lang"], "auto");
  EXPECT_EQ((*job)["lang_a"], "zh");
  EXPECT_EQ((*job)["lang_b"], "en");
  EXPECT_FALSE(wrong.next_job(300ms));
}

TEST_F(session_flow, a_language_pair_no_node_serves_gets_no_available_node) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port(), "de", "fr");
  session.send_audio(5, true);
  auto event = expect_message(session.socket(), "ui_event");
  EXPECT_EQ(event["event"], "ERROR");
  EXPECT_EQ(event["status"], "error");
  EXPECT_EQ(event["error_code"], "NO_AVAILABLE_NODE");
  EXPECT_TRUE(event.contains("hint"));
  auto error = expect_message(session.socket(), "error");
  EXPECT_EQ(error["code"], "NO_AVAILABLE_NODE");
  session.send_audio(5, true);
  EXPECT_EQ(expect_message(session.socket(), "error")["code"], "NO_AVAILABLE_NODE")
      << "the session is not stuck: the next utterance is handled too";
}

TEST_F(session_flow, an_empty_result_is_silent_and_an_all_empty_one_is_a_missing_result) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(0);
  session.send_utterance(1);
  auto first = node.next_job();
  auto second = node.next_job();
  ASSERT_TRUE(first && second);
  auto empty = job_result_for(*first, node.id(), "", "");
  empty["tts_audio"] = "";
  empty["extra"] = {{"reason", "NO_TEXT_ASSIGNED"}};
  node.send(empty);
  auto silent = job_result_for(*second, node.id(), "", "");
  silent["tts_audio"] = "";
  node.send(silent);
  auto missing = expect_message(session.socket(), "missing_result");
  EXPECT_EQ(missing["utterance_index"], 1);
  EXPECT_EQ(missing["reason"], "silence_detected");
  EXPECT_FALSE(session.socket().receive_until("translation_result", 300ms));
}

TEST_F(session_flow, session_close_dispatches_the_buffered_audio_then_acknowledges) {
  auto& scheduler = start_scheduler({"--segmentation.pause_ms=60000"});
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(8);
  session.send({{"type", "session_close"}, {"session_id", session.id()}, {"reason", "user"}});
  auto ack = expect_message(session.socket(), "session_close_ack");
  EXPECT_EQ(ack["session_id"], session.id());
  auto job = node.next_job();
  ASSERT_TRUE(job);
  EXPECT_EQ((*job)["padding_ms"], 220);
  node.complete(*job);
  EXPECT_TRUE(session.socket().receive_until("translation_result", 5s)) << "results in flight still arrive";
}

}  // namespace
}  // namespace lingua::test
