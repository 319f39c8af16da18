// Done means (issue 11): after traffic through the real binary — with a failover, a backlog wait, refused frames,
// a room, a rate-limited and a slow peer, an undeliverable inbox entry — every exported metric has moved, and the
// JSON log carries the job's fields on every job event without a byte of audio.
#include <cstdlib>
#include <map>
#include <set>
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

  // The JSON log: every line an object; every info line about a job is a job event with the job's fields (the trace
  // id included, failovers too); one outcome line per job; no audio anywhere.
  scheduler.terminate();
  std::istringstream log(scheduler.log());
  std::string line;
  int job_outcomes = 0;
  int failover_lines = 0;
  std::map<std::string, int> outcomes_per_job;
  const std::string audio = protocol::base64::encode(std::string(300, '\x01'));
  while (std::getline(log, line)) {
    if (line.empty()) continue;
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(entry.is_object()) << "not a JSON line: " << line;
    EXPECT_TRUE(entry.contains("ts") && entry.contains("level") && entry.contains("msg")) << line;
    EXPECT_EQ(entry.value("instance", ""), "metrics-a") << line;
    EXPECT_EQ(line.find(audio), std::string::npos) << "audio in the log: " << line.substr(0, 200);
    const std::string msg = entry.value("msg", "");
    if (!msg.starts_with("job") || entry.value("level", "") != "info") continue;
    ASSERT_TRUE(entry.contains("job")) << "a job's info line without the job's fields: " << line;
    EXPECT_FALSE(entry.value("job", "").empty()) << line;
    EXPECT_FALSE(entry.value("session", "").empty()) << line;
    EXPECT_FALSE(entry.value("trace_id", "").empty()) << line;
    EXPECT_TRUE(entry.contains("node") && entry.contains("attempt")) << line;
    if (entry.contains("outcome")) ++outcomes_per_job[entry.value("job", "")];
    if (msg.starts_with("job moved from node-a (node_lost)")) {
      ++failover_lines;
      EXPECT_EQ(entry.value("node", ""), "node-b") << line;
      EXPECT_EQ(entry.value("attempt", 0), 2) << line;
    }
    if (msg == "job ended" && entry.value("outcome", "") == "completed") {
      ++job_outcomes;
      EXPECT_FALSE(entry.value("node", "").empty()) << line;
      EXPECT_GE(entry.value("attempt", 0), 1) << line;
    }
  }
  EXPECT_EQ(failover_lines, 1) << "the failover is one info line";
  for (const auto& [job, lines] : outcomes_per_job) EXPECT_EQ(lines, 1) << "outcome lines of job " << job;
  EXPECT_GE(job_outcomes, 5) << "one info line per completed job";
}

// Plan A audio (records of [u16 LE length][Opus packet]) of `records` packets of `packet_bytes` each, base64: a
// packet of at most 20 bytes is silence to the scheduler (session/speech_presence.hpp), a longer one speech.
std::string plan_a(std::size_t records, std::size_t packet_bytes) {
  std::string bytes;
  for (std::size_t i = 0; i < records; ++i) {
    bytes.push_back(static_cast<char>(packet_bytes & 0xff));
    bytes.push_back(static_cast<char>(packet_bytes >> 8));
    bytes.append(packet_bytes, static_cast<char>(0x40 + static_cast<int>(i % 16)));
  }
  return protocol::base64::encode(bytes);
}

void send_chunk(fake_session& s, std::uint64_t seq, const std::string& payload, bool is_final) {
  s.send({{"type", "audio_chunk"}, {"session_id", s.id()}, {"seq", seq}, {"is_final", is_final}, {"payload", payload}});
}

// Done means (issue 11 §1) for the label values the traffic above does not reach: every reason an utterance is cut
// (send, pause, max duration, buffer, close, silence skipped), a job that waited past the backlog bound, and a job
// timed out after its attempts (a run-deadline failover), each counted in /metrics; the JSON log line of the backlog
// timeout carries the session's trace id (the job record keeps it: the script that ends the job returns it).
TEST_F(metrics_traffic, every_cut_reason_a_backlog_timeout_and_a_job_timeout_are_counted) {
  auto& scheduler = start_scheduler({"--log.format=json",
                                     "--segmentation.max_duration_ms=200", "--segmentation.max_buffer_bytes=1000",
                                     "--jobs.backlog_max_wait_ms=300", "--jobs.queue_wait_budget_ms=0",
                                     "--jobs.max_attempts=1", "--jobs.run_timeout_base_ms=800",
                                     "--jobs.run_timeout_min_ms=800", "--jobs.run_timeout_max_ms=800"});
  const std::uint16_t port = scheduler.port();
  const exposition before = scrape(port);
  fake_node node(named_node("node-one", 1));
  node.connect(port);
  fake_session talker;
  talker.connect(port);
  auto served = [&](const char* cut) {
    auto job = node.next_job(3s);
    EXPECT_TRUE(job) << "no job for the " << cut << " cut";
    if (job) node.complete(*job);
    EXPECT_TRUE(talker.next("translation_result")) << cut;
  };
  std::uint64_t seq = 0;
  send_chunk(talker, seq++, plan_a(3, 59), true);  // send: the client's cut
  served("send");
  send_chunk(talker, seq++, plan_a(5, 59), false);  // pause: 100 ms of speech, then nothing for pause_ms (400)
  served("pause");
  send_chunk(talker, seq++, plan_a(12, 59), false);  // max duration: 240 ms ≥ 200 ms, in 732 bytes
  served("max_duration");
  send_chunk(talker, seq++, plan_a(6, 200), false);  // buffer: 1,212 bytes > 1,000, in only 120 ms
  served("buffer");
  send_chunk(talker, seq++, plan_a(13, 10), true);  // silence: the web client's cut of silent packets
  EXPECT_FALSE(node.next_job(300ms)) << "a silent cut is not dispatched";
  fake_session closing;
  closing.connect(port);
  send_chunk(closing, 0, plan_a(4, 59), false);  // close: audio still buffered when the session closes
  closing.send({{"type", "session_close"}, {"session_id", closing.id()}, {"reason", "user"}});
  expect_message(closing.socket(), "session_close_ack");
  auto closed_cut = node.next_job(3s);
  ASSERT_TRUE(closed_cut) << "the buffered audio is dispatched at the close";
  node.complete(*closed_cut);

  // The one slot is held by a job the node never answers; the next utterance waits in the backlog past its bound.
  fake_session waiting;
  const std::string waiting_trace = "trace-of-the-waiting-session";
  waiting.connect(port, "en", "zh", {{"trace_id", waiting_trace}});
  waiting.send_utterance(0);
  auto held = node.next_job(3s);
  ASSERT_TRUE(held);
  waiting.send_utterance(1);
  auto first_error = expect_message(waiting.socket(), "error", 5s);
  auto second_error = expect_message(waiting.socket(), "error", 5s);
  std::set<std::string> codes = {first_error.value("code", ""), second_error.value("code", "")};
  EXPECT_EQ(codes, (std::set<std::string>{"NO_AVAILABLE_NODE", "JOB_TIMEOUT"}));

  const exposition after = scrape_until(port, [](const exposition& e) {
    return sample(e, "scheduler_jobs_total{outcome=\"timed_out\",code=\"JOB_TIMEOUT\"}").value_or(0) >= 1;
  });
  for (const std::string reason : {"send", "pause", "max_duration", "buffer", "close", "silence_skipped"}) {
    const std::string key = "scheduler_utterance_cuts_total{reason=\"" + reason + "\"}";
    EXPECT_EQ(value(after, key) - sample(before, key).value_or(0), 1.0) << key;
  }
  for (const std::string key : {"scheduler_jobs_total{outcome=\"timed_out\",code=\"BACKLOG_TIMEOUT\"}",
                                "scheduler_jobs_total{outcome=\"timed_out\",code=\"JOB_TIMEOUT\"}",
                                "scheduler_failovers_total{cause=\"run_timeout\"}"}) {
    EXPECT_EQ(value(after, key) - sample(before, key).value_or(0), 1.0) << key;
  }

  scheduler.terminate();
  std::istringstream log(scheduler.log());
  std::string line;
  std::vector<nlohmann::json> ended_lines;  // the job outcome lines of the waiting session's jobs
  while (std::getline(log, line)) {
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    if (!entry.is_object() || entry.value("session", "") != waiting.id() || !entry.contains("outcome")) continue;
    ended_lines.push_back(entry);
  }
  ASSERT_EQ(ended_lines.size(), 2u) << "the backlog timeout and the job timeout, one line each";
  std::set<std::string> ended_codes;
  for (const auto& entry : ended_lines) {
    ended_codes.insert(entry.value("code", ""));
    EXPECT_EQ(entry.value("trace_id", ""), waiting_trace) << entry.dump();
  }
  EXPECT_EQ(ended_codes, (std::set<std::string>{"BACKLOG_TIMEOUT", "JOB_TIMEOUT"}));
}

}  // namespace
}  // namespace lingua::test
