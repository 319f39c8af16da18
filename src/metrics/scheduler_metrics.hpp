#pragma once
// Every metric a scheduler instance exports (GET /metrics), registered once in one registry that the app owns and
// hands by pointer to the modules that count (a nullptr means "not measured", as in unit tests). See
// docs/operations.md for what each one means and which alert watches it.
//
// Per instance vs fleet: counters, histograms and socket gauges are this instance's (sum() them across instances);
// gauges read from Redis at scrape time (scheduler_fleet_*, scheduler_backlog_jobs, scheduler_rooms,
// scheduler_dead_letters) are the same on every instance (max() them). Nothing here scans the keyspace.
#include <array>
#include <string>
#include <string_view>

#include "metrics/registry.hpp"

namespace lingua::metrics {

// The series one WebSocket endpoint counts on every frame (kept as references: no lookup on the hot path).
struct socket_meters {
  counter* frames_in = nullptr;
  counter* frames_out = nullptr;
  counter* refused_oversized = nullptr;
  counter* closed_rate_limit = nullptr;
  counter* closed_slow_consumer = nullptr;
  counter* closed_first_message_timeout = nullptr;
  counter* closed_idle = nullptr;
};

// Latency buckets in seconds (the original's dispatch buckets), and wider ones for waits and end-to-end times.
const std::vector<double>& fast_buckets();
const std::vector<double>& slow_buckets();

class scheduler_metrics {
 public:
  // `per_node_labels`: also export per-node series (scheduler_node_slots_used{node}); off by default because a
  // fleet of 100,000 nodes would make 100,000 series per instance.
  explicit scheduler_metrics(bool per_node_labels = false);
  scheduler_metrics(const scheduler_metrics&) = delete;
  scheduler_metrics& operator=(const scheduler_metrics&) = delete;

  registry& families() { return registry_; }
  std::string render() const { return registry_.render(); }
  bool per_node_labels() const { return per_node_labels_; }

  // endpoint: "session" or "node" (anything else counts as "other").
  const socket_meters& socket(std::string_view endpoint) const;

  // ---- events (each called where it happens) ----
  void dispatched(double seconds) { dispatch_latency_.get().observe(seconds); }
  // result: success (a slot was reserved), queued (backlog), duplicate (idempotent replay), fail (no capable
  // node), error (Redis unreachable or no answer).
  void reserve_attempt(std::string_view result) { reserve_attempts_.with({result}).inc(); }
  // outcome: completed, empty, failed, timed_out; code: the error code (bounded to the protocol's codes) or "".
  void job_outcome(std::string_view outcome, std::string_view code);
  void failover(std::string_view cause) { failovers_.with({cause}).inc(); }
  void backlog_wait(double seconds) { backlog_wait_.get().observe(seconds); }
  void utterance_latency(double seconds) { utterance_latency_.get().observe(seconds); }
  void result_gap_wait(std::uint64_t skipped_indices);
  void result_late() { results_late_.get().inc(); }
  void missing_result(std::string_view reason) { missing_results_.with({reason}).inc(); }
  // reason: send, pause, max_duration, buffer, close, silence_skipped.
  void utterance_cut(std::string_view reason) { cuts_.with({reason}).inc(); }
  // reason: oversized, invalid_message, not_registered, wrong_node.
  void refused_frame(std::string_view endpoint, std::string_view reason) {
    refused_frames_.with({endpoint, reason}).inc();
  }
  void redis_round_trip(double seconds) { redis_round_trip_.get().observe(seconds); }
  // kind: unreachable, timeout, protocol, error_reply.
  void redis_error(std::string_view kind) { redis_errors_.with({kind}).inc(); }
  void dead_letter_moved(std::uint64_t n) { dead_letters_moved_.get().inc(n); }
  void inbox_delivered(std::uint64_t n) { inbox_delivered_.get().inc(n); }

  // ---- gauges set at scrape time (by the /metrics route) ----
  gauge_family& redis_up() { return redis_up_; }
  gauge_family& sessions_connected() { return sessions_connected_; }
  gauge_family& nodes_connected() { return nodes_connected_; }
  gauge_family& nodes_by_status() { return nodes_by_status_; }
  gauge_family& nodes_by_pool() { return nodes_by_pool_; }
  gauge_family& slots() { return slots_; }
  gauge_family& node_slots_used() { return node_slots_used_; }
  gauge_family& backlog_jobs() { return backlog_jobs_; }
  gauge_family& rooms() { return rooms_; }
  gauge_family& room_members() { return room_members_; }
  gauge_family& fleet_nodes() { return fleet_nodes_; }
  gauge_family& fleet_instances() { return fleet_instances_; }
  gauge_family& inbox_pending() { return inbox_pending_; }
  gauge_family& inbox_length() { return inbox_length_; }
  gauge_family& dead_letters() { return dead_letters_; }

 private:
  bool per_node_labels_;
  registry registry_;
  histogram_family& dispatch_latency_;
  counter_family& reserve_attempts_;
  counter_family& jobs_;
  counter_family& failovers_;
  histogram_family& backlog_wait_;
  histogram_family& utterance_latency_;
  counter_family& gap_waits_;
  counter_family& gap_skipped_;
  counter_family& results_late_;
  counter_family& missing_results_;
  counter_family& cuts_;
  counter_family& frames_;
  counter_family& refused_frames_;
  counter_family& closes_;
  histogram_family& redis_round_trip_;
  counter_family& redis_errors_;
  counter_family& dead_letters_moved_;
  counter_family& inbox_delivered_;
  gauge_family& build_info_;
  gauge_family& redis_up_;
  gauge_family& sessions_connected_;
  gauge_family& nodes_connected_;
  gauge_family& nodes_by_status_;
  gauge_family& nodes_by_pool_;
  gauge_family& slots_;
  gauge_family& node_slots_used_;
  gauge_family& backlog_jobs_;
  gauge_family& rooms_;
  gauge_family& room_members_;
  gauge_family& fleet_nodes_;
  gauge_family& fleet_instances_;
  gauge_family& inbox_pending_;
  gauge_family& inbox_length_;
  gauge_family& dead_letters_;
  std::array<socket_meters, 3> sockets_{};  // session, node, other
};

}  // namespace lingua::metrics
