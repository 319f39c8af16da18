#include "metrics/scheduler_metrics.hpp"

#ifndef LINGUA_VERSION
#define LINGUA_VERSION "unknown"
#endif

namespace lingua::metrics {

const std::vector<double>& fast_buckets() {
  static const std::vector<double> b{0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
  return b;
}

const std::vector<double>& slow_buckets() {
  static const std::vector<double> b{0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120};
  return b;
}

scheduler_metrics::scheduler_metrics(bool per_node_labels)
    : per_node_labels_(per_node_labels),
      dispatch_latency_(registry_.add_histogram(
          "scheduler_dispatch_latency_seconds",
          "Time from a job's dispatch request to its job_assign handed to the node's socket (placed jobs only).",
          fast_buckets())),
      reserve_attempts_(registry_.add_counter(
          "scheduler_reserve_attempt_total",
          "Dispatch attempts by result: success (slot reserved), queued (backlog), duplicate, fail (no capable "
          "node), overloaded (refused by admission: the backlog holds what can start within the wait budget), "
          "overloaded_local (refused by admission without asking Redis: the backlog is known to be full), error "
          "(Redis unreachable).",
          {"result"}, 8)),
      jobs_(registry_.add_counter("scheduler_jobs_total",
                                  "Jobs ended on this instance by outcome (completed, empty, failed, timed_out) and "
                                  "error code.",
                                  {"outcome", "code"}, 48)),
      failovers_(registry_.add_counter(
          "scheduler_failovers_total",
          "Jobs moved to another node by cause (node_lost, ack_timeout, run_timeout, send_failed, node_error, "
          "reconnected).",
          {"cause"}, 12)),
      backlog_wait_(registry_.add_histogram(
          "scheduler_backlog_wait_seconds",
          "Time a job waited in the backlog for a free slot (until sent, or until it gave up).", slow_buckets())),
      utterance_latency_(registry_.add_histogram(
          "scheduler_utterance_latency_seconds",
          "End-to-end time from an utterance's cut to its result delivered to the client.", slow_buckets())),
      gap_waits_(registry_.add_counter(
          "scheduler_result_gap_waits_total",
          "Times a session released results past missing ones after waiting result_gap_wait_ms.")),
      gap_skipped_(registry_.add_counter("scheduler_result_gap_skipped_total",
                                         "Utterance indices given up on by the result order (never resolved in "
                                         "time).")),
      results_late_(registry_.add_counter("scheduler_results_late_total",
                                          "Results released after their index had been skipped (shown late).")),
      missing_results_(registry_.add_counter("scheduler_missing_results_total",
                                             "missing_result messages sent to clients, by reason.", {"reason"}, 8)),
      cuts_(registry_.add_counter("scheduler_utterance_cuts_total",
                                  "Utterance cuts by reason (send, pause, max_duration, buffer, close, "
                                  "silence_skipped).",
                                  {"reason"}, 10)),
      frames_(registry_.add_counter("scheduler_ws_frames_total", "WebSocket text frames by endpoint and direction.",
                                    {"endpoint", "direction"}, 8)),
      refused_frames_(registry_.add_counter(
          "scheduler_refused_frames_total",
          "Inbound frames refused without effect, by endpoint and reason (oversized, invalid_message, ...).",
          {"endpoint", "reason"}, 24)),
      closes_(registry_.add_counter(
          "scheduler_ws_closes_total",
          "WebSocket connections closed by the scheduler for a peer's behaviour (rate_limit, slow_consumer, "
          "first_message_timeout, idle).",
          {"endpoint", "reason"}, 16)),
      redis_round_trip_(registry_.add_histogram("scheduler_redis_round_trip_seconds",
                                                "Round-trip time of Redis commands (the main client).",
                                                fast_buckets())),
      redis_errors_(registry_.add_counter("scheduler_redis_errors_total",
                                          "Failed Redis commands by kind (unreachable, timeout, protocol, "
                                          "error_reply).",
                                          {"kind"}, 8)),
      dead_letters_moved_(registry_.add_counter(
          "scheduler_dead_letters_moved_total",
          "Inbox entries this instance moved to the dead-letter stream after too many deliveries.")),
      inbox_delivered_(registry_.add_counter("scheduler_inbox_delivered_total",
                                             "Entries of this instance's inbox delivered to a local socket.")),
      build_info_(registry_.add_gauge("scheduler_build_info", "Always 1; the labels name the build.",
                                      {"version"}, 1)),
      redis_up_(registry_.add_gauge("scheduler_redis_up", "Whether this instance reaches Redis (1) or not (0).")),
      sessions_connected_(registry_.add_gauge("scheduler_sessions_connected", "Session sockets on this instance.")),
      nodes_connected_(registry_.add_gauge("scheduler_nodes_connected", "Node sockets on this instance.")),
      nodes_by_status_(registry_.add_gauge("scheduler_nodes",
                                           "Registered nodes connected to this instance, by status.", {"status"}, 8)),
      nodes_by_pool_(registry_.add_gauge("scheduler_pool_nodes",
                                         "Registered nodes connected to this instance, by pool (language set; at most "
                                         "64 pools, the rest under \"other\").",
                                         {"pool"}, 64)),
      slots_(registry_.add_gauge("scheduler_slots",
                                 "Job slots of the nodes connected to this instance: used (reserved or running) and "
                                 "free.",
                                 {"state"}, 2)),
      node_slots_used_(registry_.add_gauge("scheduler_node_slots_used",
                                           "Slots used per node (only with [metrics] per_node_labels = true).",
                                           {"node"}, 100000)),
      backlog_jobs_(registry_.add_gauge("scheduler_backlog_jobs", "Jobs waiting for a free slot (fleet-wide).")),
      rooms_(registry_.add_gauge("scheduler_rooms", "Open meeting rooms (fleet-wide).")),
      room_members_(registry_.add_gauge("scheduler_room_members", "Sessions that are members of a room (fleet-wide).")),
      fleet_nodes_(registry_.add_gauge("scheduler_fleet_nodes", "Nodes registered in Redis (fleet-wide).")),
      fleet_instances_(registry_.add_gauge("scheduler_fleet_instances",
                                           "Scheduler instances with a presence entry (fleet-wide, live or not yet "
                                           "reaped).")),
      inbox_pending_(registry_.add_gauge("scheduler_inbox_pending",
                                         "Entries of this instance's inbox read but not yet acknowledged.")),
      inbox_length_(registry_.add_gauge("scheduler_inbox_length", "Entries in this instance's inbox stream.")),
      dead_letters_(registry_.add_gauge("scheduler_dead_letters",
                                        "Entries in the dead-letter stream (fleet-wide).")) {
  build_info_.with({LINGUA_VERSION}).set(1);
  static constexpr std::array<std::string_view, 3> endpoints{"session", "node", "other"};
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const std::string_view e = endpoints[i];
    sockets_[i] = socket_meters{
        .frames_in = &frames_.with({e, "in"}),
        .frames_out = &frames_.with({e, "out"}),
        .refused_oversized = &refused_frames_.with({e, "oversized"}),
        .closed_rate_limit = &closes_.with({e, "rate_limit"}),
        .closed_slow_consumer = &closes_.with({e, "slow_consumer"}),
        .closed_first_message_timeout = &closes_.with({e, "first_message_timeout"}),
        .closed_idle = &closes_.with({e, "idle"}),
    };
  }
  // Series an operator alerts on exist (at 0) from the start, so rate() and absence checks work before the first
  // event.
  for (std::string_view r : {"success", "queued", "duplicate", "fail", "overloaded", "overloaded_local", "error"}) {
    reserve_attempts_.with({r});
  }
  for (std::string_view k : {"unreachable", "timeout", "protocol", "error_reply"}) redis_errors_.with({k});
  jobs_.with({"completed", ""});
  gap_waits_.get();
  gap_skipped_.get();
  results_late_.get();
  dead_letters_moved_.get();
  inbox_delivered_.get();
  dispatch_latency_.get();
  backlog_wait_.get();
  utterance_latency_.get();
  redis_round_trip_.get();
}

const socket_meters& scheduler_metrics::socket(std::string_view endpoint) const {
  if (endpoint == "session") return sockets_[0];
  if (endpoint == "node") return sockets_[1];
  return sockets_[2];
}

void scheduler_metrics::job_outcome(std::string_view outcome, std::string_view code) {
  jobs_.with({outcome, code}).inc();
}

void scheduler_metrics::result_gap_wait(std::uint64_t skipped_indices) {
  gap_waits_.get().inc();
  gap_skipped_.get().inc(skipped_indices);
}

}  // namespace lingua::metrics
