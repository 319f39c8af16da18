#pragma once
// Refusing locally while the backlog is known to be full (docs/protocol.md "Overload"). After dispatch_task
// answered BACKLOG_FULL for a job, this instance refuses the next jobs with the same requirements itself, with the
// same NODE_OVERLOADED and backpressure, for as long as the drain-rate estimate says the backlog stays at its
// bound; the first job after that window asks Redis again. A refusal thus costs Redis nothing while its answer is
// known, and the round trips that refusals still cost are bounded by the window, not by the offered load.
//
// Per requirement set (languages, ASR and TTS languages, services, sticky node: everything dispatch_task's selection
// judges a node by; a private node takes a job pinned to it). BACKLOG_FULL means "every node that could take *this*
// job is busy and the shared backlog holds its bound": a job that a pool with room could take is never refused by
// it, because its own requirement set never heard BACKLOG_FULL.
//
// The window (window_ms): the time the backlog needs to drain below its bound at the estimated rate,
// (waiting − bound + 1) / rate, kept within [budget / 20, budget / 2] and under 10 s. The lower end: asking again
// as soon as one place frees would cost a round trip per admitted job, while letting the backlog drain by a
// twentieth of its bound (budget × rate) first leaves every node busy. The upper end bounds how stale a remembered
// answer may be (a node joined, Redis lost its data: the caller also forgets everything then). Without a wait
// budget (jobs.queue_wait_budget_ms 0) the window is 50 ms to 1 s. Nothing is remembered while no drain rate is
// known: then every job asks Redis. Pure logic, one per instance (job_service); times are the caller's steady clock.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "jobs/backlog_estimate.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::jobs {

// What this instance knows about a backlog that was full for a requirement set.
struct known_full_backlog {
  std::int64_t waiting = 0;          // jobs waiting when Redis refused
  std::int64_t bound = 0;            // the admission bound that refusal carried
  std::int64_t age_ms = 0;           // since Redis refused
  std::int64_t resume_after_ms = 0;  // until the window ends (> 0)
};

// The requirement set a refusal is remembered for (see above).
std::string requirement_set_of(const state::job_requirements& requirements);

// How long a BACKLOG_FULL answer holds (see above); 0 when no rate is known or it is not positive.
std::int64_t full_backlog_window_ms(const admission_limits& limits, std::int64_t waiting, std::int64_t bound,
                                    std::optional<double> drain_per_second);

class full_backlog_memory {
 public:
  explicit full_backlog_memory(admission_limits limits = {}) : limits_(limits) {}

  // dispatch_task refused a job of this requirement set with BACKLOG_FULL (`waiting` jobs at `bound`). Returns the
  // window it is remembered for, ms (0: not remembered, no drain rate known).
  std::int64_t remember(const std::string& requirement_set, std::int64_t now_ms, std::int64_t waiting,
                        std::int64_t bound, std::optional<double> drain_per_second);
  // Inside a remembered window: what Redis said; otherwise nullopt (ask Redis).
  std::optional<known_full_backlog> recall(const std::string& requirement_set, std::int64_t now_ms) const;
  // Redis placed or queued a job of this requirement set: the backlog had room.
  void forget(const std::string& requirement_set) { windows_.erase(requirement_set); }
  // Redis lost its data (and the backlog with it).
  void forget_all() { windows_.clear(); }
  std::size_t size() const { return windows_.size(); }

 private:
  struct window {
    std::int64_t waiting = 0;
    std::int64_t bound = 0;
    std::int64_t since_ms = 0;
    std::int64_t until_ms = 0;
  };
  static constexpr std::size_t prune_above = 64;  // requirement sets remembered before ended windows are dropped

  admission_limits limits_;
  std::unordered_map<std::string, window> windows_;
};

}  // namespace lingua::jobs
