// session_actor's safety net for job news lost between instances (see watch_jobs() in session_actor.hpp).
//
// The gap it closes: a node connected to instance B runs a job for a session on instance A. B ends the job in the
// state (complete_task, or a failover that fails it for good) and then relays the news to A's inbox: two steps.
// If B dies between them, the state says "ended" (no deadline or failover will ever touch the job again) and A
// never hears of it. Looking the job up in the state is the only way A can learn that.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

#include "asio/log_escape.hpp"
#include "clock/clock.hpp"
#include "endpoint/ids.hpp"
#include "endpoint/session_actor.hpp"
#include "protocol/error_code.hpp"

namespace lingua::endpoint {
namespace asio = boost::asio;

namespace {

constexpr std::size_t looks_per_call = 64;  // jobs looked up in one call
constexpr std::int64_t longest_step_factor = 8;  // looks slow down to lost_news_after_ms × this

// The client's error for a failure recorded in the state (the reasons written by lua/*.lua, or a node's code).
std::pair<std::string, std::string> recorded_failure(const std::string& reason) {
  if (reason == "MAX_ATTEMPTS") return {"JOB_TIMEOUT", "the job did not finish after every attempt"};
  if (reason == "ABANDONED") {
    return {"SCHEDULER_DEPENDENCY_DOWN", "the scheduler's state store did not answer in time; try again shortly"};
  }
  static const std::vector<std::string> selection = {"NO_AVAILABLE_NODE", "NO_POOL", "EXCLUDED", "MISSING_SERVICE",
                                                     "MISSING_LANGUAGE", "PRIVATE"};
  if (reason.empty() || std::find(selection.begin(), selection.end(), reason) != selection.end()) {
    return {"NO_AVAILABLE_NODE", "no other node can take over this job"};
  }
  return {reason, "the node could not process the job (" + reason + ")"};
}

}  // namespace

void session_actor::maybe_watch_jobs(std::int64_t now) {
  if (watching_ || !running_) return;
  bool due = false;
  for (const auto& [id, job] : jobs_) due = due || job.look_at_ms <= now;
  if (!due) return;
  watching_ = true;
  auto self = shared_from_this();
  asio::co_spawn(ctx_.executor, [self]() { return self->watch_jobs(); },
                 [self](const std::exception_ptr& e) {
                   self->watching_ = false;
                   self->rearm();
                   log_escaped("session " + self->profile_.session_id + ": looking up its jobs", e);
                 });
}

asio::awaitable<void> session_actor::watch_jobs() {
  const std::int64_t now = steady_ms();
  const std::int64_t after = ctx_.settings.lost_news_after_ms;
  std::vector<std::string> due;
  for (auto& [id, job] : jobs_) {
    if (job.look_at_ms > now) continue;
    job.look_step_ms = std::min(std::max(job.look_step_ms, after) * 2, after * longest_step_factor);
    job.look_at_ms = now + job.look_step_ms;
    due.push_back(id);
    if (due.size() == looks_per_call) break;
  }
  if (due.empty()) co_return;
  auto standings = co_await ctx_.jobs.standings(due);
  if (!standings || !running_) co_return;  // Redis unreachable: the next look asks again
  using kind = state::job_standing::kind;
  for (std::size_t i = 0; i < due.size() && running_; ++i) {
    auto it = jobs_.find(due[i]);
    if (it == jobs_.end()) continue;  // its news arrived meanwhile
    const state::job_standing& s = (*standings)[i];
    if (s.status == kind::active) {
      it->second.unknown_looks = 0;  // waiting or running: the state's deadlines move or end it, and tell us
      continue;
    }
    if (s.status == kind::unknown) {
      // No record: not placed yet (its dispatch is slow), or Redis lost it and the epoch check places it again.
      // Still unknown at a later look, nothing will ever end it: placed again.
      if (++it->second.unknown_looks < 3) continue;
      co_await place_lost(due[i], 0);
      continue;
    }
    if (s.ended_ago_ms < after) {
      // Ended moments ago: its news may be on its way. Looked at again once the wait is over.
      it->second.look_at_ms = steady_ms() + (after - s.ended_ago_ms);
      continue;
    }
    if (s.status == kind::failed) {
      report_lost_failure(due[i], s.reason);
    } else {
      co_await place_lost(due[i], s.ended_ago_ms);
    }
  }
}

asio::awaitable<void> session_actor::place_lost(const std::string& job_id, std::int64_t ended_ago_ms) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) co_return;
  session_job job = std::move(it->second);
  jobs_.erase(it);  // the ended job is forgotten: a late delivery of its news is ignored
  if (job.placed_again > 0 || !job.order) {
    spdlog::warn("session {}: the news of job {} (utterance {}) was lost again: reported", profile_.session_id, job_id,
                 job.utterance_index);
    fail(job, job_id, "INTERNAL_ERROR", "the result of this utterance was lost between scheduler instances",
         std::nullopt);
    co_return;
  }
  jobs::job_order order = *job.order;
  order.job_id = new_job_id();
  order.job_key += ":again";  // the ended job keeps its key: a new key places a new job
  order.admitted = true;       // admitted once: never refused by admission now
  spdlog::warn("session {}: job {} (utterance {}) ended {} ms ago and its news never came: placed again as {}",
               profile_.session_id, job_id, job.utterance_index, ended_ago_ms, order.job_id);
  const std::string again_id = order.job_id;
  job.order = std::make_shared<const jobs::job_order>(order);
  job.placed_again += 1;
  job.unknown_looks = 0;
  job.node_id.clear();
  job.look_step_ms = ctx_.settings.lost_news_after_ms;
  job.look_at_ms = steady_ms() + job.look_step_ms;
  jobs_[again_id] = job;
  rearm();
  const jobs::dispatch_report report = co_await ctx_.jobs.dispatch(std::move(order));
  on_dispatch_report(again_id, report);
}

void session_actor::report_lost_failure(const std::string& job_id, const std::string& reason) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;
  const session_job job = std::move(it->second);
  jobs_.erase(it);
  const auto [code, message] = recorded_failure(reason);
  spdlog::warn("session {}: job {} (utterance {}) failed ({}) and its news never came: reported", profile_.session_id,
               job_id, job.utterance_index, reason);
  fail(job, job_id, code, message, std::nullopt);
}

}  // namespace lingua::endpoint
