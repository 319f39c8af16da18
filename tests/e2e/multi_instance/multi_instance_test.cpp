// Several scheduler instances on one Redis behave as one: nodes and sessions on different instances, an instance
// killed with jobs in flight, an instance shut down gracefully under load.
#include <set>
#include <thread>

#include "e2e_fixture.hpp"
#include "room_peers.hpp"

namespace lingua::test {
namespace {

class multi_instance : public scheduler_e2e {
 protected:
  // Short presence so a dead instance is noticed quickly.
  scheduler_process& start_instance(const std::string& id) {
    return start_scheduler({"--instance.presence_ttl_ms=1500", "--instance.presence_renew_ms=300",
                            "--routing.reclaim_idle_ms=500"},
                           id);
  }
};

TEST_F(multi_instance, a_session_on_one_instance_is_served_by_a_node_on_another) {
  auto& a = start_instance("instance-a");
  auto& b = start_instance("instance-b");
  node_spec spec = named_node("node-ws-e2e-1");
  spec.asr = {"en"};
  spec.semantic = {"en", "zh"};
  spec.tts = {"zh"};
  fake_node node(spec);
  node.connect(a.port());
  node.heartbeat();
  fake_session session;
  session.connect(b.port(), "en", "zh", {{"trace_id", "trace-ws-e2e"}});
  session.send_utterance(0, 4, {{"audio_format", "wav"}});
  auto job = node.next_job();
  ASSERT_TRUE(job) << "the job crosses from instance B to the node's instance A";
  node.send({{"type", "job_ack"}, {"job_id", (*job)["job_id"]}, {"attempt_id", (*job)["attempt_id"]},
             {"node_id", node.id()}, {"session_id", session.id()}, {"trace_id", "trace-ws-e2e"}});
  node.send({{"type", "job_started"}, {"job_id", (*job)["job_id"]}, {"attempt_id", (*job)["attempt_id"]},
             {"node_id", node.id()}, {"session_id", session.id()}, {"trace_id", "trace-ws-e2e"}});
  node.complete(*job, "hello", "你好");
  auto result = expect_message(session.socket(), "translation_result");
  EXPECT_EQ(result["text_asr"], "hello");
  EXPECT_EQ(result["text_translated"], "你好");
  EXPECT_EQ(result["trace_id"], "trace-ws-e2e");
}

TEST_F(multi_instance, progress_events_and_partials_cross_instances_too) {
  auto& a = start_instance("instance-a");
  auto& b = start_instance("instance-b");
  fake_node node;
  node.connect(b.port());
  fake_session session;
  session.connect(a.port());
  session.send_audio(5, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  EXPECT_EQ(expect_message(session.socket(), "ui_event")["event"], "DISPATCHED");
  node.send({{"type", "asr_partial"}, {"job_id", (*job)["job_id"]}, {"node_id", node.id()},
             {"session_id", session.id()}, {"utterance_index", 0}, {"text", "hel"}, {"is_final", false},
             {"trace_id", (*job)["trace_id"]}});
  EXPECT_EQ(expect_message(session.socket(), "asr_partial")["text"], "hel");
  node.complete(*job);
  EXPECT_TRUE(session.next("translation_result"));
}

TEST_F(multi_instance, a_node_that_reconnects_to_another_instance_keeps_its_id_and_its_registration) {
  auto& a = start_instance("instance-a");
  auto& b = start_instance("instance-b");
  fake_node first_socket(named_node("node-moving"));
  first_socket.connect(a.port());
  fake_node second_socket(named_node("node-moving"));
  second_socket.connect(b.port());
  first_socket.socket().close();  // the old socket closes after the new one registered
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  fake_session session;
  session.connect(a.port());
  session.send_audio(5, true);
  auto job = second_socket.next_job();
  ASSERT_TRUE(job) << "the old instance's close did not unregister the node that moved";
  second_socket.complete(*job);
  EXPECT_TRUE(session.next("translation_result"));
}

TEST_F(multi_instance, jobs_of_a_killed_instance_finish_on_another_node_and_its_sessions_carry_on_elsewhere) {
  auto& a = start_instance("instance-a");
  auto& b = start_instance("instance-b");
  fake_node doomed(named_node("node-on-a"));
  doomed.connect(a.port());
  fake_session session;
  session.connect(b.port());
  session.send_audio(5, true);
  auto job = doomed.next_job();
  ASSERT_TRUE(job);
  fake_node survivor(named_node("node-on-b"));
  survivor.connect(b.port());
  fake_session stranded;
  stranded.connect(a.port());

  a.kill();
  auto moved = survivor.next_job(10s);
  ASSERT_TRUE(moved) << "the dead instance's node jobs fail over within a bounded time";
  EXPECT_EQ((*moved)["job_id"], (*job)["job_id"]);
  survivor.complete(*moved, "rescued", "救");
  EXPECT_EQ(expect_message(session.socket(), "translation_result", 5s)["text_asr"], "rescued");

  EXPECT_TRUE(stranded.socket().wait_closed(5s));
  fake_session reconnected;  // the client reconnects to the surviving instance with a new session
  reconnected.connect(b.port());
  reconnected.send_audio(5, true);
  auto next = survivor.next_job(5s);
  ASSERT_TRUE(next);
  survivor.complete(*next);
  EXPECT_TRUE(reconnected.next("translation_result"));
}

TEST_F(multi_instance, a_graceful_shutdown_under_load_loses_no_job) {
  auto& a = start_instance("instance-a");
  auto& b = start_instance("instance-b");
  fake_node on_a(named_node("node-on-a", 8));
  on_a.connect(a.port());
  fake_node on_b(named_node("node-on-b", 8));
  on_b.connect(b.port());
  fake_session session;
  session.connect(b.port());
  constexpr int utterances = 8;
  for (int i = 0; i < utterances; ++i) session.send_utterance(static_cast<std::uint64_t>(i));

  // Node B answers at once; node A holds its jobs until the shutdown has begun.
  std::vector<nlohmann::json> held;
  const auto collect_until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < collect_until) {
    if (auto j = on_a.next_job(50ms)) held.push_back(*j);
    if (auto j = on_b.next_job(50ms)) on_b.complete(*j);
  }
  std::thread shutdown([&a] { a.terminate(); });
  std::this_thread::sleep_for(300ms);
  for (const auto& j : held) on_a.complete(j);

  std::set<std::uint64_t> delivered;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (delivered.size() < utterances && std::chrono::steady_clock::now() < deadline) {
    if (auto j = on_b.next_job(50ms)) on_b.complete(*j);  // anything that failed over
    if (auto r = session.socket().receive_until("translation_result", 50ms)) {
      EXPECT_TRUE(delivered.insert((*r)["utterance_index"].get<std::uint64_t>()).second) << "delivered twice";
    }
  }
  shutdown.join();
  EXPECT_EQ(delivered.size(), static_cast<std::size_t>(utterances));
  EXPECT_EQ(a.exit_status(), 0);
  EXPECT_TRUE(on_a.socket().wait_closed(2s));
  EXPECT_EQ(on_a.socket().close_code(), 1012) << "the node is told to reconnect elsewhere";
}

TEST_F(multi_instance, a_room_spanning_two_instances_gives_each_listener_its_language_once) {
  auto& a = start_instance("instance-a");
  auto& b = start_instance("instance-b");
  node_spec polyglot;
  polyglot.asr = polyglot.tts = polyglot.semantic = {"en", "ja", "zh"};
  fake_node node(polyglot);
  node.connect(a.port());
  fake_session speaker, zh_listener, ja_listener;
  speaker.connect(a.port(), "en", "zh");
  zh_listener.connect(b.port(), "zh", "en");
  ja_listener.connect(a.port(), "ja", "en");
  const std::string code = create_room(speaker, "Speaker");
  join_room(zh_listener, code, {speaker.id(), zh_listener.id()}, "zh");
  join_room(ja_listener, code, {speaker.id(), zh_listener.id(), ja_listener.id()}, "ja");
  expect_members(speaker, {speaker.id(), zh_listener.id(), ja_listener.id()});

  speaker.send_audio(10, true);
  std::multiset<std::string> langs;
  for (int i = 0; i < 2; ++i) {
    auto job = node.next_job();
    ASSERT_TRUE(job);
    const std::string lang = (*job)["tgt_lang"].get<std::string>();
    langs.insert(lang);
    node.complete(*job, "hello", lang + ":hello");
  }
  EXPECT_EQ(langs, (std::multiset<std::string>{"ja", "zh"}));
  EXPECT_EQ(expect_message(zh_listener.socket(), "translation_result")["text_translated"], "zh:hello")
      << "delivered to the listener on the other instance";
  EXPECT_EQ(expect_message(ja_listener.socket(), "translation_result")["text_translated"], "ja:hello");
  EXPECT_FALSE(zh_listener.next("translation_result", 700ms)) << "once";
  EXPECT_FALSE(ja_listener.next("translation_result", 100ms)) << "once";

  zh_listener.socket().drop();  // an abrupt disconnect on instance B leaves the room; members on A are told
  expect_members(speaker, {speaker.id(), ja_listener.id()});
}

}  // namespace
}  // namespace lingua::test
