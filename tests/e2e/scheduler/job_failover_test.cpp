// Jobs are never lost: node loss, silent nodes, stale and duplicate results, a full pool, a missing model.
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using job_failover = scheduler_e2e;

std::vector<std::string> short_run_deadline() {
  return {"--jobs.run_timeout_base_ms=800", "--jobs.run_timeout_min_ms=800", "--jobs.run_timeout_max_ms=800"};
}

TEST_F(job_failover, a_node_lost_mid_job_hands_the_job_to_another_node_and_the_user_sees_one_result) {
  auto& scheduler = start_scheduler();
  fake_node first(named_node("node-first"));
  first.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = first.next_job();
  ASSERT_TRUE(job);
  fake_node second(named_node("node-second"));
  second.connect(scheduler.port());
  first.socket().drop();
  auto moved = second.next_job(3s);
  ASSERT_TRUE(moved) << "failover happens when the socket closes, not after a timeout";
  EXPECT_EQ((*moved)["job_id"], (*job)["job_id"]);
  EXPECT_EQ((*moved)["attempt_id"], 2);
  EXPECT_EQ((*moved)["audio"], (*job)["audio"]) << "the stored audio is sent again";
  second.complete(*moved, "again", "再");
  auto result = expect_message(session.socket(), "translation_result");
  EXPECT_EQ(result["text_asr"], "again");
  EXPECT_FALSE(session.socket().receive_until("translation_result", 500ms));
}

TEST_F(job_failover, a_silent_node_loses_the_job_and_its_late_result_is_never_shown) {
  auto flags = short_run_deadline();
  auto& scheduler = start_scheduler(flags);
  fake_node slow(named_node("node-slow"));
  slow.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = slow.next_job();
  ASSERT_TRUE(job);
  fake_node fast(named_node("node-fast"));
  fast.connect(scheduler.port());
  auto moved = fast.next_job(5s);
  ASSERT_TRUE(moved);
  EXPECT_EQ((*moved)["attempt_id"], 2);
  auto cancel = slow.socket().receive_until("job_cancel", 2s);
  ASSERT_TRUE(cancel) << "the replaced node is told to stop";
  EXPECT_EQ((*cancel)["job_id"], (*job)["job_id"]);
  slow.complete(*job, "stale", "旧");
  fast.complete(*moved, "fresh", "新");
  auto result = expect_message(session.socket(), "translation_result");
  EXPECT_EQ(result["text_asr"], "fresh");
  EXPECT_FALSE(session.socket().receive_until("translation_result", 500ms));
}

TEST_F(job_failover, a_duplicate_result_is_delivered_once) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  node.complete(*job);
  node.complete(*job);
  EXPECT_TRUE(session.socket().receive_until("translation_result", 3s));
  EXPECT_FALSE(session.socket().receive_until("translation_result", 500ms));
}

TEST_F(job_failover, after_max_attempts_on_silent_nodes_the_client_gets_job_timeout) {
  auto flags = short_run_deadline();
  flags.push_back("--jobs.max_attempts=2");
  auto& scheduler = start_scheduler(flags);
  fake_node a(named_node("node-a"));
  fake_node b(named_node("node-b"));
  a.connect(scheduler.port());
  b.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto error = expect_message(session.socket(), "error", 6s);
  EXPECT_EQ(error["code"], "JOB_TIMEOUT");
}

TEST_F(job_failover, a_job_waits_for_a_busy_node_and_is_sent_when_its_slot_frees) {
  auto& scheduler = start_scheduler();
  fake_node node(named_node("node-one-slot", 1));
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(0);
  session.send_utterance(1);
  auto first = node.next_job();
  ASSERT_TRUE(first);
  auto queued = session.socket().receive_until("ui_event", 3s);
  while (queued && (*queued)["event"] != "QUEUED") queued = session.socket().receive_until("ui_event", 3s);
  ASSERT_TRUE(queued) << "the client is told the job waits";
  EXPECT_EQ((*queued)["utterance_index"], 1);
  EXPECT_FALSE(node.next_job(300ms)) << "a node never holds more than its capacity";
  node.complete(*first);
  auto second = node.next_job(3s);
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)["utterance_index"], 1);
}

TEST_F(job_failover, a_node_without_the_model_loses_the_job_to_one_that_has_it) {
  auto& scheduler = start_scheduler();
  fake_node broken(named_node("node-broken"));
  broken.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = broken.next_job();
  ASSERT_TRUE(job);
  fake_node healthy(named_node("node-healthy"));
  healthy.connect(scheduler.port());
  broken.fail(*job, "MODEL_NOT_AVAILABLE", "no tts model",
              {{"service_id", "piper-tts"}, {"service_type", "tts"}, {"reason", "not installed"}});
  auto moved = healthy.next_job(3s);
  ASSERT_TRUE(moved);
  EXPECT_EQ((*moved)["job_id"], (*job)["job_id"]);
  healthy.complete(*moved);
  EXPECT_TRUE(session.socket().receive_until("translation_result", 3s));
}

TEST_F(job_failover, a_node_error_is_relayed_to_the_client_with_its_code) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  node.fail(*job, "PROCESSING_ERROR", "decoder crashed");
  auto event = expect_message(session.socket(), "ui_event");
  while (event["event"] != "ERROR") event = expect_message(session.socket(), "ui_event");
  EXPECT_EQ(event["status"], "error");
  auto error = expect_message(session.socket(), "error");
  EXPECT_EQ(error["code"], "PROCESSING_ERROR");
  EXPECT_EQ(error["message"], "decoder crashed");
}

TEST_F(job_failover, a_node_claiming_another_nodes_id_is_refused) {
  auto& scheduler = start_scheduler();
  fake_node honest(named_node("node-honest"));
  honest.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = honest.next_job();
  ASSERT_TRUE(job);
  fake_node impostor(named_node("node-impostor"));
  impostor.connect(scheduler.port());
  impostor.send(job_result_for(*job, "node-honest", "forged", "伪造"));
  auto refusal = impostor.socket().receive_until("error", 3s);
  ASSERT_TRUE(refusal);
  EXPECT_EQ((*refusal)["code"], "NODE_ID_CONFLICT");
  EXPECT_FALSE(session.socket().receive_until("translation_result", 300ms));
  honest.complete(*job, "genuine", "真");
  EXPECT_EQ(expect_message(session.socket(), "translation_result")["text_asr"], "genuine");
}

TEST_F(job_failover, a_node_that_acknowledges_jobs_must_do_so_in_time) {
  auto& scheduler = start_scheduler({"--jobs.ack_timeout_ms=400"});
  fake_node acker(named_node("node-acker"));
  acker.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(0);
  auto first = acker.next_job();
  ASSERT_TRUE(first);
  acker.send({{"type", "job_ack"}, {"job_id", (*first)["job_id"]}, {"attempt_id", 1}, {"node_id", acker.id()},
              {"session_id", session.id()}, {"trace_id", (*first)["trace_id"]}});
  auto accepted = session.socket().receive_until("ui_event", 3s);
  while (accepted && (*accepted)["event"] != "NODE_ACCEPTED") accepted = session.socket().receive_until("ui_event", 3s);
  ASSERT_TRUE(accepted);
  acker.complete(*first);
  session.send_utterance(1, 320);
  auto second = acker.next_job(3s);
  ASSERT_TRUE(second);
  fake_node other(named_node("node-other"));
  other.connect(scheduler.port());
  auto moved = other.next_job(3s);
  ASSERT_TRUE(moved) << "no job_ack within the ack timeout: the job moves on";
  EXPECT_EQ((*moved)["job_id"], (*second)["job_id"]);
  EXPECT_EQ((*moved)["attempt_id"], 2);
}

}  // namespace
}  // namespace lingua::test
