#pragma once
// What the load generator saw, from both ends of the scheduler: the simulated sessions and nodes live in this one
// process, so a job is followed by its (session, utterance index) from the utterance's send to the job_assign at
// the node (dispatch latency: what the scheduler adds before a node can start), from the node's job_result to the
// translation_result at the session (return latency), and end to end. Every expected delivery is counted, so lost
// and duplicate results are exact. Single-threaded: everything runs on the bench's one event loop.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lingua::bench {

using bench_clock = std::chrono::steady_clock;

// Latencies in microseconds, kept whole (a run has at most a few hundred thousand jobs).
class latency_series {
 public:
  void add(bench_clock::duration d) { samples_.push_back(std::chrono::duration<double, std::micro>(d).count()); }
  std::size_t size() const { return samples_.size(); }
  // q in [0, 1]; 0 when empty. Sorts lazily.
  double quantile(double q);
  double mean() const;

 private:
  std::vector<double> samples_;
  bool sorted_ = false;
};

// The key of one job on the node side: the session id the node sees (a room's `<speaker>/<lang>` stream, else the
// session) and the utterance index.
std::string stream_key(std::string_view node_session_id, std::uint64_t utterance_index);

class recorder {
 public:
  // Runs when every expected delivery of a speaker's utterance has arrived (closed-loop sessions send the next one).
  using utterance_done = std::function<void()>;

  // The speaker sent utterance `index`; it becomes jobs on `streams` (node-side session ids) and is expected once at
  // each of `receivers` (pairs receiver session id, stream). Only utterances sent while recording count.
  void utterance_sent(const std::string& speaker, std::uint64_t index, const std::vector<std::string>& streams,
                      const std::vector<std::pair<std::string, std::string>>& receivers, utterance_done on_done,
                      bool audio_path = false);
  // Node side.
  void job_assigned(std::string_view node_session_id, std::uint64_t index);
  void job_result_sent(std::string_view node_session_id, std::uint64_t index);
  // Session side: a translation_result for the job of `stream` reached `receiver`.
  void result_delivered(const std::string& receiver, const std::string& stream, std::uint64_t index);
  void error_seen(std::string_view where, std::string_view code);
  // Session side: `receiver` was told its delivery of the job of `stream` failed (ui_event ERROR): that is its one
  // outcome (refused, not lost; a result after it is a duplicate outcome).
  void delivery_refused(const std::string& receiver, const std::string& stream, std::uint64_t index);

  void set_recording(bool on);
  bool recording() const { return recording_; }
  // The measured window's bounds: jobs and deliveries counted in it (for per-job costs and throughput).
  void window_start();
  void window_end();

  struct summary {
    std::uint64_t utterances_sent = 0;   // while recording
    std::uint64_t expected = 0;          // deliveries expected for them
    std::uint64_t delivered = 0;         // first deliveries
    std::uint64_t lost = 0;              // expected, never delivered and never refused
    std::uint64_t refused = 0;           // expected, answered with an error instead (admission, no node, ...)
    std::uint64_t duplicates = 0;        // deliveries beyond the first
    std::uint64_t unexpected = 0;        // results for nothing we sent while recording (warm-up spill-over excluded)
    std::uint64_t reassigned = 0;        // job_assigns beyond the first for a stream (failover)
    std::uint64_t window_jobs = 0;       // job_results sent by nodes inside the window
    std::uint64_t window_deliveries = 0;
    double window_seconds = 0;
    std::map<std::string, std::uint64_t> errors;  // "session:NO_AVAILABLE_NODE" → count
  };
  summary summarise() const;
  // Counters for the progress line.
  std::uint64_t sent_total() const { return sent_total_; }
  std::uint64_t delivered_total() const { return delivered_total_; }
  std::uint64_t errors_total() const { return errors_total_; }
  std::uint64_t outstanding() const { return outstanding_utterances_; }

  latency_series dispatch;      // utterance sent → job_assign at the node (first attempt)
  latency_series return_path;   // job_result sent → translation_result at the receiver
  latency_series end_to_end;    // utterance sent → translation_result at the receiver
  // The audio_chunk path apart: its dispatch starts at the cut (is_final) and includes the scheduler's hangover.
  latency_series stream_dispatch;
  latency_series stream_end_to_end;

 private:
  struct utterance_track {
    bench_clock::time_point sent;
    std::size_t waiting = 0;
    utterance_done on_done;
    bool measured = false;  // sent while recording
    bool audio_path = false;
  };
  struct stream_track {
    bench_clock::time_point sent;
    bench_clock::time_point result_sent{};
    int assigns = 0;
    bool result_seen = false;
    std::string utterance;  // key into utterances_
  };

  // One expected delivery of the utterance has its outcome: the closed loop moves on when all have.
  void answered(const std::string& utterance);

  std::unordered_map<std::string, utterance_track> utterances_;
  std::unordered_map<std::string, stream_track> streams_;
  std::unordered_map<std::string, std::uint32_t> deliveries_;  // receiver + '|' + stream key → count
  bool recording_ = false;
  bool in_window_ = false;
  bench_clock::time_point window_begin_{};
  bench_clock::time_point window_finish_{};
  std::uint64_t sent_total_ = 0;
  std::uint64_t delivered_total_ = 0;
  std::uint64_t errors_total_ = 0;
  std::uint64_t outstanding_utterances_ = 0;
  summary counts_;
};

}  // namespace lingua::bench
