// Bad input changes nothing and the process carries on; Redis going away fails closed and comes back by itself.
#include <thread>

#include "e2e_fixture.hpp"
#include "kit/http_client.hpp"

namespace lingua::test {
namespace {

using robustness = scheduler_e2e;

TEST_F(robustness, malformed_frames_get_invalid_message_and_the_session_carries_on) {
  auto& scheduler = start_scheduler();
  fake_session session;
  session.connect(scheduler.port());
  for (const std::string bad : {"not json", "[1,2]", R"({"no_type":1})", R"({"type":"no_such_type"})",
                                R"({"type":"client_heartbeat","session_id":5,"timestamp":1})",
                                R"({"type":"audio_chunk","session_id":"x","seq":1.5,"is_final":false})"}) {
    session.socket().send_text(bad);
    auto error = expect_message(session.socket(), "error");
    EXPECT_EQ(error["code"], "INVALID_MESSAGE") << bad;
    EXPECT_TRUE(error["message"].get<std::string>().starts_with("Invalid message format: ")) << bad;
  }
  session.send({{"type", "client_heartbeat"}, {"session_id", session.id()}, {"timestamp", 1}});
  EXPECT_TRUE(session.next("server_heartbeat"));
}

TEST_F(robustness, an_oversized_frame_is_refused_without_closing_the_socket) {
  auto& scheduler = start_scheduler({"--server.max_frame_bytes=65536"});
  fake_session session;
  session.connect(scheduler.port());
  session.socket().send_text(std::string(100000, 'x'));
  auto error = expect_message(session.socket(), "error");
  EXPECT_EQ(error["code"], "INVALID_MESSAGE");
  session.send({{"type", "client_heartbeat"}, {"session_id", session.id()}, {"timestamp", 1}});
  EXPECT_TRUE(session.next("server_heartbeat"));
}

TEST_F(robustness, invalid_audio_is_refused_and_nothing_is_dispatched) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send({{"type", "audio_chunk"}, {"session_id", session.id()}, {"seq", 0}, {"is_final", true},
                {"payload", "!!notbase64"}});
  EXPECT_EQ(expect_message(session.socket(), "error")["code"], "INVALID_MESSAGE");
  EXPECT_FALSE(node.next_job(500ms));
}

// issue 7 §2, audio per utterance: an `utterance` message over segmentation.max_utterance_audio_bytes is refused
// before anything is placed, and its index stays free for the same utterance within the bound.
TEST_F(robustness, an_utterance_with_more_audio_than_the_bound_is_refused_and_its_index_stays_free) {
  auto& scheduler = start_scheduler({"--segmentation.max_utterance_audio_bytes=4000"});
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(0, 8000);
  auto error = expect_message(session.socket(), "error");
  EXPECT_EQ(error["code"], "INVALID_MESSAGE");
  EXPECT_NE(error.value("message", "").find("utterance audio exceeds 4000 bytes"), std::string::npos) << error.dump();
  EXPECT_FALSE(node.next_job(500ms)) << "nothing was dispatched";

  session.send_utterance(0, 4000);
  auto job = node.next_job();
  ASSERT_TRUE(job) << "the bound itself is accepted, under the refused utterance's index";
  EXPECT_EQ((*job)["utterance_index"], 0);
  node.complete(*job);
  auto result = session.next("translation_result");
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)["utterance_index"], 0);
}

TEST_F(robustness, a_node_with_garbage_frames_stays_connected_and_usable) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  node.socket().send_text("{broken");
  node.socket().send_text(R"({"type":"node_heartbeat","node_id":42})");
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(5, true);
  EXPECT_TRUE(node.next_job());
}

TEST_F(robustness, redis_down_fails_closed_and_service_resumes_when_it_returns) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  redis->stop();
  EXPECT_EQ(http_get("127.0.0.1", scheduler.port(), "/health").status, 503u);
  session.send_audio(5, true);
  auto error = expect_message(session.socket(), "error", 8s);
  EXPECT_EQ(error["code"], "SCHEDULER_DEPENDENCY_DOWN");

  redis->start();  // an empty Redis: the node is registered again from its next heartbeat
  ASSERT_TRUE(wait_http_ok("127.0.0.1", scheduler.port(), "/health", 10s));
  node.heartbeat();
  std::this_thread::sleep_for(300ms);
  session.send_audio(5, true);
  auto job = node.next_job(5s);
  ASSERT_TRUE(job) << "no restart needed";
  node.complete(*job);
  EXPECT_TRUE(session.socket().receive_until("translation_result", 5s));
}

TEST_F(robustness, the_embedded_redis_starts_and_stops_with_the_scheduler) {
  scheduler_process embedded("", fast_test_flags());
  embedded.start();
  EXPECT_EQ(http_get("127.0.0.1", embedded.port(), "/health").body, "OK");
  fake_node node;
  node.connect(embedded.port());
  fake_session session;
  session.connect(embedded.port());
  session.send_audio(5, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  node.complete(*job);
  EXPECT_TRUE(session.socket().receive_until("translation_result", 5s));
  embedded.terminate();
  EXPECT_EQ(embedded.exit_status(), 0);
}

}  // namespace
}  // namespace lingua::test
