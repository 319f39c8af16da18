// Done means (issue 11): after traffic through the real binary — with a failover, a backlog wait, refused frames,
// a room, a rate-limited and a slow peer, an undeliverable inbox entry — every exported metric has moved, and the
// JSON log carries the job's fields on every job event without a byte of audio.
#include <cstdlib>
#include <sstream>
#include <thread>

#include "chaos_support.hpp"
#include "e2e_fixture.hpp"
#include "exposition_text.hpp"
#include "protocol/base64.hpp"
#include "room_peers.hpp"

namespace lingua::test {
namespace {

double value(const exposition& e, const std::string& key) {
  auto v = sample(e, key);
  EXPECT_TRUE(v.has_value()) << key << " is not exported";
  return v.value_or(-1);
}

// Scrapes until `done` holds (every 50 ms, at most `timeout`); the last scrape.
template <class Done>
exposition scrape_until(std::uint16_t port, Done done, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  exposition e = scrape(port);
  while (!done(e) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    e = scrape(port);
  }
  return e;
}

std::optional<nlohmann::json> ui_event(fake_session& s, const std::string& event, std::chrono::milliseconds wait = 3s) {
  auto m = s.next("ui_event", wait);
  while (m && (*m)["event"] != event) m = s.next("ui_event", wait);
  return m;
}

nlohmann::json empty_result(const nlohmann::json& job, const std::string& node_id) {
  nlohmann::json r = job_result_for(job, node_id, "", "");
  r.erase("tts_audio");
  return r;
}

class metrics_traffic : public scheduler_e2e {};

TEST_F(metrics_traffic, traffic_with_a_failover_a_backlog_wait_a_refused_frame_and_a_room_moves_every_metric) {
  auto& scheduler = start_scheduler(
      {"--log.format=json", "--server.max_messages_per_second=50", "--server.message_burst=60",
       "--server.rate_limit_close_after_ms=300", "--server.max_write_queue_bytes=1048576",
       "--routing.reclaim_idle_ms=300", "--routing.dead_letter_after_deliveries=3", "--server.shutdown_grace_ms=1000"},
      "metrics-a");
  const std::uint16_t port = scheduler.port();
  const exposition before = scrape(port);
  EXPECT_EQ(value(before, "scheduler_build_info{version=\"0.1.0\"}"), 1);
  EXPECT_EQ(value(before, "scheduler_redis_up"), 1);

  // A one-slot node: the second utterance waits in the backlog while the first holds the slot.
  fake_node first(named_node("node-a", 1));
  first.connect(port);
  fake_session speaker;
  speaker.connect(port);
  speaker.send_utterance(0);
  speaker.send_utterance(1);
  auto job0 = first.next_job();
  ASSERT_TRUE(job0);
  ASSERT_TRUE(ui_event(speaker, "QUEUED")) << "utterance 1 waits for the busy slot";
  const exposition full = scrape(port);
  EXPECT_EQ(value(full, "scheduler_slots{state=\"used\"}"), 1);
  EXPECT_EQ(value(full, "scheduler_slots{state=\"free\"}"), 0);
  EXPECT_EQ(value(full, "scheduler_backlog_jobs"), 1);
  EXPECT_EQ(value(full, "scheduler_pool_nodes{pool=\"en-zh\"}"), 1);
  EXPECT_GE(value(full, "scheduler_fleet_nodes"), 1);
  first.complete(*job0);
  auto job1 = first.next_job(3s);
  ASSERT_TRUE(job1) << "the freed slot takes the waiting job";
  expect_message(speaker.socket(), "translation_result");

  // Failover: the node holding utterance 1 vanishes; a second node takes it over.
  fake_node second(named_node("node-b", 4));
  second.connect(port);
  first.socket().drop();
  auto moved = second.next_job(3s);
  ASSERT_TRUE(moved);
  second.complete(*moved);
  expect_message(speaker.socket(), "translation_result");

  // A result gap: utterance 3 finishes first and waits for 2 (result_gap_wait_ms), then 2 arrives late.
  speaker.send_utterance(2);
  speaker.send_utterance(3);
  auto job2 = second.next_job();
  auto job3 = second.next_job();
  ASSERT_TRUE(job2 && job3);
  second.complete(*job3);
  auto released = speaker.next("translation_result", 5s);
  ASSERT_TRUE(released);
  EXPECT_EQ((*released)["utterance_index"], 3);
  second.complete(*job2);
  expect_message(speaker.socket(), "translation_result");

  // An empty result (missing_result) and a node error.
  speaker.send_utterance(4);
  auto job4 = second.next_job();
  ASSERT_TRUE(job4);
  second.send(empty_result(*job4, "node-b"));
  expect_message(speaker.socket(), "missing_result");
  speaker.send_utterance(5);
  auto job5 = second.next_job();
  ASSERT_TRUE(job5);
  second.fail(*job5, "PROCESSING_ERROR", "decoder crashed");
  expect_message(speaker.socket(), "error");

  // Refused frames: not JSON, and over the frame size limit.
  speaker.socket().send_text("not json");
  expect_message(speaker.socket(), "error");
  speaker.socket().send_text(std::string(1024 * 1024 + 10, 'x'));
  expect_message(speaker.socket(), "error");

  // The audio path: a manual cut and a pause cut.
  fake_session talker;
  talker.connect(port);
  talker.send_audio(6, true);
  auto cut_send = second.next_job();
  ASSERT_TRUE(cut_send);
  second.complete(*cut_send);
  talker.send_audio(6);
  auto cut_pause = second.next_job(3s);
  ASSERT_TRUE(cut_pause) << "the pause cut";
  second.complete(*cut_pause);
  EXPECT_EQ(expect_message(talker.socket(), "translation_result").value("utterance_index", -1), 0);

  // A room with a listener.
  fake_session host;
  host.connect(port);
  fake_session listener;
  listener.connect(port);
  const std::string code = create_room(host, "Host");
  join_room(listener, code, {host.id(), listener.id()}, "zh");

  // Scripts flushed by an operator: the next script call gets NOSCRIPT (an error reply) and reloads.
  EXPECT_EQ(redis_strings(redis->address(), {"SCRIPT", "FLUSH"}), std::vector<std::string>{"OK"});
  fake_session nobody_serves;
  nobody_serves.connect(port, "ja", "ko");
  nobody_serves.send_utterance(0, 320, {{"src_lang", "ja"}, {"tgt_lang", "ko"}});
  EXPECT_EQ(expect_message(nobody_serves.socket(), "error").value("code", ""), "NO_AVAILABLE_NODE");

  // A flooding session is closed after being held back by the rate limit.
  fake_session flooder;
  flooder.connect(port);
  for (int i = 0; i < 200; ++i) {
    flooder.send({{"type", "client_heartbeat"}, {"session_id", flooder.id()}, {"timestamp", i}});
  }
  ASSERT_TRUE(flooder.socket().wait_closed(10s));
  EXPECT_EQ(flooder.socket().close_code(), 1008);

  // A node that never reads its socket while jobs with large audio pile up: a slow consumer.
  node_spec hog_spec = named_node("node-hog", 40);
  hog_spec.asr = {"de"};
  hog_spec.tts = {"fr"};
  hog_spec.semantic = {"de", "fr"};
  fake_node hog(hog_spec);
  hog.connect(port);
  fake_session german;
  german.connect(port, "de", "fr");
  for (std::uint64_t i = 0; i < 30; ++i) {
    german.send_utterance(i, 300000, {{"src_lang", "de"}, {"tgt_lang", "fr"}});
  }
  const exposition slow = scrape_until(port, [](const exposition& e) {
    return sample(e, "scheduler_ws_closes_total{endpoint=\"node\",reason=\"slow_consumer\"}").value_or(0) >= 1;
  });
  EXPECT_GE(value(slow, "scheduler_ws_closes_total{endpoint=\"node\",reason=\"slow_consumer\"}"), 1);

  // An inbox entry for a session that is nowhere: pending, retried, then moved to the dead letters.
  EXPECT_EQ(redis_strings(redis->address(), {"XADD", "{lingua}:inbox:metrics-a", "*", "m",
                                             R"({"to":"session","id":"ghost-session","d":""})"})
                .size(),
            1U);
  bool saw_pending = false;
  const exposition dead = scrape_until(port, [&saw_pending](const exposition& e) {
    saw_pending = saw_pending || sample(e, "scheduler_inbox_pending").value_or(0) >= 1;
    return sample(e, "scheduler_dead_letters_moved_total").value_or(0) >= 1;
  });
  EXPECT_TRUE(saw_pending) << "the undelivered entry shows as pending";
  EXPECT_GE(value(dead, "scheduler_dead_letters"), 1);

  // The hog's close waits for a handshake it never answers (server.shutdown_grace_ms), then its socket is cut.
  const exposition after = scrape_until(
      port, [](const exposition& e) { return sample(e, "scheduler_nodes_connected").value_or(0) == 1; });
  // Counters and histogram counts that must have grown.
  const std::vector<std::string> grown = {
      "scheduler_dispatch_latency_seconds_count",
      "scheduler_reserve_attempt_total{result=\"success\"}",
      "scheduler_reserve_attempt_total{result=\"queued\"}",
      "scheduler_reserve_attempt_total{result=\"fail\"}",
      "scheduler_jobs_total{outcome=\"completed\",code=\"\"}",
      "scheduler_jobs_total{outcome=\"empty\",code=\"\"}",
      "scheduler_jobs_total{outcome=\"failed\",code=\"PROCESSING_ERROR\"}",
      "scheduler_jobs_total{outcome=\"failed\",code=\"NO_AVAILABLE_NODE\"}",
      "scheduler_failovers_total{cause=\"node_lost\"}",
      "scheduler_backlog_wait_seconds_count",
      "scheduler_utterance_latency_seconds_count",
      "scheduler_result_gap_waits_total",
      "scheduler_result_gap_skipped_total",
      "scheduler_results_late_total",
      "scheduler_missing_results_total{reason=\"silence_detected\"}",
      "scheduler_utterance_cuts_total{reason=\"send\"}",
      "scheduler_utterance_cuts_total{reason=\"pause\"}",
      "scheduler_ws_frames_total{endpoint=\"session\",direction=\"in\"}",
      "scheduler_ws_frames_total{endpoint=\"session\",direction=\"out\"}",
      "scheduler_ws_frames_total{endpoint=\"node\",direction=\"in\"}",
      "scheduler_ws_frames_total{endpoint=\"node\",direction=\"out\"}",
      "scheduler_refused_frames_total{endpoint=\"session\",reason=\"invalid_message\"}",
      "scheduler_refused_frames_total{endpoint=\"session\",reason=\"oversized\"}",
      "scheduler_ws_closes_total{endpoint=\"session\",reason=\"rate_limit\"}",
      "scheduler_ws_closes_total{endpoint=\"node\",reason=\"slow_consumer\"}",
      "scheduler_redis_round_trip_seconds_count",
      "scheduler_redis_errors_total{kind=\"error_reply\"}",
      "scheduler_dead_letters_moved_total",
  };
  for (const auto& key : grown) {
    EXPECT_GT(value(after, key), sample(before, key).value_or(0)) << key << " did not move";
  }
  // Gauges of what exists now.
  EXPECT_EQ(value(after, "scheduler_rooms"), 1);
  EXPECT_EQ(value(after, "scheduler_room_members"), 2);
  EXPECT_EQ(value(after, "scheduler_nodes{status=\"ready\"}"), 1) << "node-b (node-a dropped, node-hog closed)";
  EXPECT_GE(value(after, "scheduler_slots{state=\"free\"}"), 1);
  EXPECT_GE(value(after, "scheduler_sessions_connected"), 5);
  EXPECT_EQ(value(after, "scheduler_nodes_connected"), 1);
  EXPECT_GE(value(after, "scheduler_fleet_instances"), 1);
  EXPECT_TRUE(sample(after, "scheduler_inbox_length").has_value());
  EXPECT_EQ(sample(after, "scheduler_node_slots_used{node=\"node-b\"}"), std::nullopt)
      << "per-node series only behind [metrics] per_node_labels";

  // The JSON log: every line an object; job outcomes carry the job's fields; no audio anywhere.
  scheduler.terminate();
  std::istringstream log(scheduler.log());
  std::string line;
  int job_outcomes = 0;
  const std::string audio = protocol::base64::encode(std::string(300, '\x01'));
  while (std::getline(log, line)) {
    if (line.empty()) continue;
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(entry.is_object()) << "not a JSON line: " << line;
    EXPECT_TRUE(entry.contains("ts") && entry.contains("level") && entry.contains("msg")) << line;
    EXPECT_EQ(entry.value("instance", ""), "metrics-a") << line;
    EXPECT_EQ(line.find(audio), std::string::npos) << "audio in the log: " << line.substr(0, 200);
    if (entry.value("msg", "") == "job ended" && entry.value("outcome", "") == "completed") {
      ++job_outcomes;
      EXPECT_FALSE(entry.value("job", "").empty()) << line;
      EXPECT_FALSE(entry.value("session", "").empty()) << line;
      EXPECT_FALSE(entry.value("node", "").empty()) << line;
      EXPECT_FALSE(entry.value("trace_id", "").empty()) << line;
      EXPECT_GE(entry.value("attempt", 0), 1) << line;
      EXPECT_EQ(entry.value("level", ""), "info") << line;
    }
  }
  EXPECT_GE(job_outcomes, 5) << "one info line per completed job";
}

}  // namespace
}  // namespace lingua::test
