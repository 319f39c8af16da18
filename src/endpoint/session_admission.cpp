// session_actor's admission (graceful overload, docs/protocol.md "Overload"): work that cannot start within its
// budget is refused at once with a true error, in its place in the utterance order, instead of waiting in a queue
// until a deadline fails it; a session that sends faster than it is served is told to pause (`backpressure`).
//
// Two bounds. Per session: at most max_utterances_in_flight utterances without an outcome, so one flooding
// session cannot take the shared backlog from the others (RATE_LIMITED). Per backlog: dispatch_task refuses a job
// that would wait behind the bound jobs::backlog_estimate derives from the drain rate and the wait budget
// (BACKLOG_FULL → NODE_OVERLOADED). Every utterance still ends in exactly one result or one error.
#include <algorithm>
#include <cstdio>
#include <set>
#include <spdlog/spdlog.h>

#include "clock/clock.hpp"
#include "endpoint/session_actor.hpp"

namespace lingua::endpoint {

namespace {

constexpr std::int64_t min_quiet_ms = 250;      // backpressure messages at most this often
constexpr std::int64_t max_resume_ms = 10000;   // the longest pause we ask for
constexpr std::int64_t unknown_resume_ms = 1000;  // when nothing tells how long

std::string seconds_text(std::int64_t ms) {
  const double s = static_cast<double>(ms) / 1000.0;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f s", s);
  return buffer;
}

}  // namespace

std::size_t session_actor::utterances_in_flight() const {
  std::set<std::uint64_t> open;
  for (const auto& [id, job] : jobs_) open.insert(job.utterance_index);
  if (dispatching_) open.insert(dispatching_index_);
  return open.size() + queue_.size();
}

bool session_actor::admit(const work& w) {
  const std::size_t bound = ctx_.settings.max_utterances_in_flight;
  if (bound == 0) return true;
  const std::size_t open = utterances_in_flight();
  // The sender is asked to wait about as long as one of its open utterances takes to finish.
  const std::int64_t resume_ms =
      latency_ms_ > 0 ? std::clamp(static_cast<std::int64_t>(latency_ms_) / static_cast<std::int64_t>(std::max<std::size_t>(open, 1)),
                                   std::int64_t{50}, max_resume_ms)
                      : unknown_resume_ms;
  const std::string open_text = std::to_string(bound) + " utterances of this session are waiting for their outcome";
  if (open < bound) {
    if (open + 1 == bound) {
      send_backpressure(protocol::backpressure_action::pause, resume_ms,
                        open_text + " (jobs.max_utterances_in_flight): pause until one is done; more are refused");
    }
    return true;
  }
  const std::int64_t now = steady_ms();
  session_job job;
  job.utterance_index = w.index;
  job.target_lang = w.message ? w.message->tgt_lang : profile_.tgt_lang;
  job.created_ms = now;
  job.cut_ms = w.cut_ms;
  job.trace_id = profile_.trace_id;
  if (w.message && w.message->trace_id) job.trace_id = *w.message->trace_id;
  // Every other language's order has nothing to wait for at this index; the error is the speaker's.
  delivery_->not_heard(w.index, {job.target_lang}, now);
  if (ctx_.metrics != nullptr) ctx_.metrics->job_outcome("failed", "RATE_LIMITED");
  spdlog::debug("session {}: utterance {} refused, {} in flight", profile_.session_id, w.index, open);
  send_backpressure(protocol::backpressure_action::pause, resume_ms,
                    open_text + " (jobs.max_utterances_in_flight): pause until one is done");
  fail(job, "", "RATE_LIMITED",
       "utterance " + std::to_string(w.index) + " refused: " + open_text + " (at most " + std::to_string(bound) +
           ", jobs.max_utterances_in_flight); send it again after a result",
       std::nullopt);
  return false;
}

void session_actor::refuse_overloaded(const session_job& job, const std::string& job_id,
                                      const jobs::dispatch_report& report) {
  const std::int64_t now = steady_ms();
  const auto& backlog = ctx_.jobs.backlog();
  const auto& limits = backlog.limits();
  std::string why = "every capable node is busy and " + std::to_string(report.backlog_length) +
                    " jobs are waiting for one already";
  if (report.known_for_ms >= 0) why += " (as Redis said " + std::to_string(report.known_for_ms) + " ms ago)";
  std::int64_t resume_ms = unknown_resume_ms;
  if (const auto rate = backlog.drain_per_second(now)) {
    const auto wait = backlog.expected_wait_ms(now, report.backlog_length + 1).value_or(0);
    char rate_text[32];
    std::snprintf(rate_text, sizeof rate_text, "%.0f", *rate);
    why += ": this job would start in about " + seconds_text(wait) + " at the " + rate_text +
           " jobs/s they leave at, ";
    // Room appears once the backlog has drained below its bound.
    resume_ms = static_cast<std::int64_t>(
        std::clamp(jobs::drain_below_bound_ms(report.backlog_length, report.backlog_bound, *rate), 50.0,
                   static_cast<double>(max_resume_ms)));
    // This instance refuses such jobs itself until then: sending earlier only earns another refusal.
    resume_ms = std::min(std::max(resume_ms, report.resume_after_ms), max_resume_ms);
  } else {
    why += ", ";
  }
  why += "more than a job may wait (jobs.queue_wait_budget_ms " + std::to_string(limits.wait_budget_ms) +
         " ms, jobs.max_backlog " + std::to_string(limits.max_backlog) + ")";
  send_backpressure(protocol::backpressure_action::busy, resume_ms, "refused: " + why);
  fail(job, job_id, "NODE_OVERLOADED", why, std::nullopt);
}

void session_actor::send_backpressure(protocol::backpressure_action action, std::int64_t resume_after_ms,
                                      std::string message) {
  const std::int64_t now = steady_ms();
  if (now < backpressure_quiet_until_ms_) return;
  backpressure_quiet_until_ms_ = now + std::max(resume_after_ms, min_quiet_ms);
  protocol::backpressure m;
  m.action = action;
  m.resume_after_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(resume_after_ms, 1));
  m.message = std::move(message);
  send(protocol::to_json(m));
}

void session_actor::observe_latency(const session_job& job) {
  if (job.node_id.empty()) return;  // only jobs a node worked on say how long work takes
  const double took = static_cast<double>(std::max<std::int64_t>(steady_ms() - job.created_ms, 0));
  latency_ms_ = latency_ms_ <= 0 ? took : 0.8 * latency_ms_ + 0.2 * took;
}

}  // namespace lingua::endpoint
