// The per-connection message rate slows a peer down and never loses a frame; the log stays bounded under a flood.
#include <algorithm>
#include <set>
#include <sstream>
#include <thread>

#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using peer_pace = scheduler_e2e;

std::size_t lines_containing(const std::string& log, std::string_view what) {
  std::size_t n = 0;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) if (line.find(what) != std::string::npos) ++n;
  return n;
}

TEST_F(peer_pace, a_node_sending_results_faster_than_the_rate_limit_has_every_result_delivered) {
  auto& scheduler = start_scheduler({"--server.max_messages_per_second=20", "--server.message_burst=5"});
  fake_node node(named_node("pace-node", 64));
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  constexpr std::uint64_t utterances = 30;
  for (std::uint64_t i = 0; i < utterances; ++i) session.send_utterance(i);

  // The node answers every job at once: 30 results in a burst against a budget of 5 + 20/s.
  std::size_t answered = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (answered < utterances && std::chrono::steady_clock::now() < deadline) {
    if (auto job = node.next_job(200ms)) {
      node.complete(*job);
      ++answered;
    }
  }
  ASSERT_EQ(answered, utterances);
  std::set<std::uint64_t> delivered;
  while (delivered.size() < utterances) {
    auto result = session.next("translation_result", 10s);
    if (!result) break;
    delivered.insert((*result)["utterance_index"].get<std::uint64_t>());
  }
  EXPECT_EQ(delivered.size(), utterances);
  EXPECT_EQ(lines_containing(scheduler.log(), "message dropped"), 0U);
}

TEST_F(peer_pace, a_flooding_session_is_told_to_slow_down_and_every_message_is_answered) {
  auto& scheduler = start_scheduler({"--server.max_messages_per_second=20", "--server.message_burst=5"});
  fake_session session;
  session.connect(scheduler.port());
  constexpr int heartbeats = 40;
  for (int i = 0; i < heartbeats; ++i) {
    session.send({{"type", "client_heartbeat"}, {"session_id", session.id()}, {"timestamp", i}});
  }
  int answers = 0;
  int slow_downs = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (answers < heartbeats && std::chrono::steady_clock::now() < deadline) {
    auto m = session.socket().receive_json(500ms);
    if (!m) continue;
    if ((*m)["type"] == "server_heartbeat") ++answers;
    if ((*m)["type"] == "backpressure") {
      ++slow_downs;
      EXPECT_EQ((*m)["action"], "SLOW_DOWN");
      EXPECT_GE((*m)["resume_after_ms"].get<std::int64_t>(), 1);
    }
  }
  EXPECT_EQ(answers, heartbeats);
  EXPECT_GE(slow_downs, 1);
}

TEST_F(peer_pace, a_peer_held_back_by_the_rate_limit_for_too_long_is_closed_with_1008) {
  auto& scheduler = start_scheduler({"--server.max_messages_per_second=10", "--server.message_burst=2",
                                     "--server.rate_limit_close_after_ms=1000"});
  fake_session session;
  session.connect(scheduler.port());
  for (int i = 0; i < 100; ++i) {
    session.send({{"type", "client_heartbeat"}, {"session_id", session.id()}, {"timestamp", i}});
  }
  ASSERT_TRUE(session.socket().wait_closed(10s));
  EXPECT_EQ(session.socket().close_code(), 1008);
  EXPECT_TRUE(session.socket().close_reason().starts_with("message rate limit exceeded"))
      << session.socket().close_reason();
}

TEST_F(peer_pace, a_flood_of_bad_frames_writes_a_bounded_log_with_a_suppressed_summary) {
  auto& scheduler = start_scheduler({"--server.max_messages_per_second=1000000", "--server.message_burst=1000000",
                                     "--log.peer_window_ms=1000"});
  fake_node node;
  node.connect(scheduler.port());
  constexpr int frames = 3000;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < frames; ++i) ASSERT_TRUE(node.socket().send_text("{broken " + std::to_string(i)));
  // A heartbeat after the flood is still served; by then every bad frame has been read.
  node.heartbeat();
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(5, true);
  EXPECT_TRUE(node.next_job());
  std::this_thread::sleep_for(2500ms);  // the window ends and the summary is written
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);

  const std::string log = scheduler.log();
  const std::size_t refused = lines_containing(log, "invalid message dropped");
  EXPECT_GE(refused, 1U);
  EXPECT_LE(refused, 5U * static_cast<std::size_t>(seconds.count() + 2));
  EXPECT_GE(lines_containing(log, "similar messages (invalid message) from 127.0.0.1"), 1U) << log;
  EXPECT_LT(lines_containing(log, ""), 400U);  // the whole log of the run, debug level included
}

}  // namespace
}  // namespace lingua::test
