#pragma once
// Admission to the shared backlog: how fast it drains, and so how many jobs may wait in it for a new one to start
// within its budget. Pure logic, one per instance (job_service), fed by this instance's own sessions.
//
// The backlog is served oldest first, so a job that joined behind `ahead` waiting jobs (itself included: the length
// dispatch_task reports) and left it `waited_ms` later saw the backlog drain at ahead / waited jobs per second —
// the drain of the whole backlog, whichever instance freed the slots, so every instance measures the same rate
// without talking to the others. The rate is the ratio of exponentially decayed sums of both (a window of
// `window_ms`), which weighs a long wait by its length instead of letting one short wait at the head swing it.
// A job that timed out in the backlog is an observation too (it waited its whole wait). Observations older than
// `stale_after_ms` are not trusted: then no rate is known.
//
// bound() is what dispatch_task gets (ARGV "most jobs the backlog may hold"): rate × budget, at least 1 (a job may
// always wait alone at the head), at most max_backlog; max_backlog while no rate is known; 0 (no bound) when both
// limits are off.
#include <cstdint>
#include <optional>

namespace lingua::jobs {

struct admission_limits {
  std::int64_t wait_budget_ms = 2000;   // the longest expected backlog wait a new job is admitted to; 0: no estimate
  std::int64_t max_backlog = 5000;      // jobs waiting in all, at most (also the bound while no rate is known); 0: none
  std::int64_t window_ms = 5000;        // observations this old weigh 1/e
  std::int64_t stale_after_ms = 30000;  // with no observation for this long the rate is unknown again
};

// How long a backlog of `waiting` jobs takes to drain below an admission bound of `bound` at `per_second` (> 0), in
// whole ms: the time until a job is admitted again. A double: a tiny rate gives a huge value, which callers clamp
// before converting it.
double drain_below_bound_ms(std::int64_t waiting, std::int64_t bound, double per_second);

class backlog_estimate {
 public:
  explicit backlog_estimate(admission_limits limits = {}) : limits_(limits) {}

  const admission_limits& limits() const { return limits_; }

  // A job of this instance left the backlog (sent, or ended) `waited_ms` after joining it behind `ahead` jobs.
  // Ignored when ahead < 1 (not known: a job queued again by a failover).
  void observe(std::int64_t now_ms, std::int64_t ahead, std::int64_t waited_ms);

  // Jobs per second the backlog drains at; nullopt when nothing recent was observed.
  std::optional<double> drain_per_second(std::int64_t now_ms) const;
  // How long a job joining behind `waiting` jobs would wait, ms; nullopt when no rate is known.
  std::optional<std::int64_t> expected_wait_ms(std::int64_t now_ms, std::int64_t waiting) const;
  // The most jobs the backlog may hold for a new job to join it (see above); 0: no bound.
  std::int64_t bound(std::int64_t now_ms) const;

 private:
  admission_limits limits_;
  double ahead_sum_ = 0;   // decayed sum of jobs ahead
  double waited_sum_ = 0;  // decayed sum of waits, ms
  std::int64_t last_ms_ = 0;
  bool observed_ = false;
};

}  // namespace lingua::jobs
