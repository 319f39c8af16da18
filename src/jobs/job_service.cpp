#include "jobs/job_service.hpp"

#include <algorithm>
#include <chrono>
#include <spdlog/spdlog.h>

#include "clock/clock.hpp"
#include "peer_log/peer_log.hpp"

#include "state/script_outcome.hpp"

namespace lingua::jobs {
namespace asio = boost::asio;

namespace {

// The node refused the job because it already holds one with the same id or the same (session_id,
// utterance_index) — the Lingua node agent answers PROCESSING_ERROR "DUPLICATE_UTTERANCE_INDEX: …" /
// "DUPLICATE_JOB_ID…". That says "not on this node", not "the utterance failed": the job moves to another node.
bool is_duplicate_refusal(const protocol::job_result& r) {
  if (r.success || !r.error) return false;
  const std::string& m = r.error->message;
  return m.starts_with("DUPLICATE_UTTERANCE_INDEX") || m.starts_with("DUPLICATE_JOB_ID") ||
         r.error->code == "DUPLICATE_UTTERANCE_INDEX" || r.error->code == "DUPLICATE_JOB_ID";
}

bool is_empty_ack(const protocol::job_result& r) {
  return r.extra && r.extra->reason && (*r.extra->reason == "NO_TEXT_ASSIGNED" || *r.extra->reason == "ASR_EMPTY");
}

// One attempt's job_assign frame and the speaker's session. The audio is the base64 text the session received (or
// encoded once from a cut), stored and sent as it is: never decoded and encoded again here, and written by the
// protocol's writer as one run (docs/benchmarks.md, "Scheduler CPU").
struct assign_frame {
  std::string frame;
  std::string session_id;
  std::vector<std::string> languages;  // see routing::job_attempt
  std::string trace_id;
};

// A node chooses its error codes: only code-shaped ones (A-Z, 0-9, _; at most 40) become a label value.
std::string_view bounded_code(std::string_view code) {
  const bool shaped = !code.empty() && code.size() <= 40 &&
                      std::all_of(code.begin(), code.end(), [](char c) {
                        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                      });
  return shaped ? code : "OTHER";
}

dispatch_report report_of(dispatch_report::kind what) {
  dispatch_report report;
  report.what = what;
  return report;
}

dispatch_report sent_report(const std::string& node_id, std::uint32_t attempt) {
  dispatch_report report = report_of(dispatch_report::kind::sent);
  report.node_id = node_id;
  report.attempt = attempt;
  return report;
}

dispatch_report queued_report(std::int64_t backlog_length, std::int64_t backlog_bound) {
  dispatch_report report = report_of(dispatch_report::kind::queued);
  report.backlog_length = backlog_length;
  report.backlog_bound = backlog_bound;
  return report;
}

dispatch_report duplicate_report(const std::string& node_id, std::uint32_t attempt, const std::string& job_id) {
  dispatch_report report = report_of(dispatch_report::kind::duplicate);
  report.node_id = node_id;
  report.attempt = attempt;
  report.existing_job_id = job_id;
  return report;
}

dispatch_report refused_report(const std::string& reason) {
  dispatch_report report = report_of(dispatch_report::kind::refused);
  report.reason = reason;
  return report;
}

// known_for_ms: -1 when Redis answered this job, else the age of the remembered answer (full_backlog_memory).
dispatch_report backlog_full_report(std::int64_t waiting, std::int64_t bound, std::int64_t resume_after_ms,
                                    std::int64_t known_for_ms) {
  dispatch_report report = refused_report(std::string(state::word_of(state::rejection::backlog_full)));
  report.backlog_length = waiting;
  report.backlog_bound = bound;
  report.resume_after_ms = resume_after_ms;
  report.known_for_ms = known_for_ms;
  return report;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

assign_frame frame_for(protocol::job_assign& assign, std::uint32_t attempt, std::string audio) {
  assign.attempt_id = attempt;
  assign.audio = std::move(audio);
  std::vector<std::string> languages;
  if (assign.src_lang != "auto") languages.push_back(assign.src_lang);
  languages.push_back(assign.tgt_lang);
  for (const auto* l : {&assign.lang_a, &assign.lang_b}) {
    if (*l) languages.push_back(**l);
  }
  for (const auto& l : assign.auto_langs.value_or(std::vector<std::string>{})) languages.push_back(l);
  return {protocol::to_json(assign), protocol::speaker_session_of(assign.session_id), std::move(languages),
          assign.trace_id};
}

// The stored template (written by protocol::to_json(job_assign), so the protocol's reader takes it back
// losslessly); nullopt when it is unreadable.
std::optional<protocol::job_assign> template_of(const state::job_payload& payload) {
  auto parsed = protocol::parse_node_outbound(payload.spec_json);
  if (!parsed) return std::nullopt;
  auto* assign = std::get_if<protocol::job_assign>(&*parsed);
  if (assign == nullptr) return std::nullopt;
  return std::move(*assign);
}

// From the stored payload: a backlog hand-off. An unreadable template gives an empty frame (not sent).
assign_frame frame_for(const state::job_payload& payload, std::uint32_t attempt) {
  auto assign = template_of(payload);
  if (!assign) return {};
  return frame_for(*assign, attempt, payload.audio);
}

}  // namespace

std::int64_t job_timing::run_timeout_for(std::int64_t audio_duration_ms) const {
  const std::int64_t t = run_timeout_base_ms + run_timeout_per_audio_second_ms * audio_duration_ms / 1000;
  return std::clamp(t, run_timeout_min_ms, run_timeout_max_ms);
}

job_service::job_service(asio::any_io_executor executor, state::scheduler_state& state, routing::router& router,
                         job_timing timing)
    : executor_(std::move(executor)),
      state_(state),
      router_(router),
      timing_(timing),
      backlog_(timing.admission),
      full_backlog_(timing.admission) {}

// Callers pass a named session_delivery: GCC 12 corrupts a coroutine parameter initialised by a converting
// temporary (a job_* struct turned into the variant at the call), which crashed the first build.
asio::awaitable<void> job_service::tell_session(const std::string& session_id, routing::session_delivery delivery) {
  if (session_id.empty()) co_return;
  const std::size_t what = delivery.index();
  const bool delivered = co_await router_.to_session(session_id, std::move(delivery));
  spdlog::debug("session {} news {} delivered {}", session_id, what, delivered);
  if (!delivered) {
    spdlog::debug("session {} is gone; job news dropped", session_id);
  }
}

void job_service::job_ended(const logging::job_fields& fields, std::string_view message) {
  if (metrics_ != nullptr) metrics_->job_outcome(fields.outcome, fields.code);
  logging::job_event(spdlog::level::info, fields, message);
}

asio::awaitable<dispatch_report> job_service::dispatch(job_order order) {
  const auto started = std::chrono::steady_clock::now();
  const std::string trace_id = order.assign.trace_id;
  const std::string speaker = protocol::speaker_session_of(order.assign.session_id);
  auto reserve = [this](std::string_view result) {
    if (metrics_ != nullptr) metrics_->reserve_attempt(result);
  };
  auto not_placed = [&](std::string_view code, std::string_view message) {
    job_ended(logging::job_fields{trace_id, speaker, order.job_id, "", 0, "failed", code}, message);
  };
  order.requirements.ack_timeout_ms = timing_.ack_timeout_ms;
  order.requirements.run_timeout_ms = timing_.run_timeout_for(order.audio_duration_ms);
  order.assign.job_id = order.job_id;
  order.assign.audio.clear();
  state::dispatch_request request;
  request.job_id = order.job_id;
  request.job_key = order.job_key;
  request.requirements = std::move(order.requirements);
  request.spec_json = protocol::to_json(order.assign);
  request.audio = std::move(order.audio);
  // Admission: a job with the requirements of one dispatch_task refused for a full backlog is refused here, with the
  // same answer, while the drain-rate estimate says the backlog is still at its bound (full_backlog_memory). The
  // requirement set is only spelled out while something is remembered, or to remember it.
  const std::int64_t now = steady_ms();
  std::string requirement_set;
  if (!order.admitted && full_backlog_.size() > 0) {
    requirement_set = requirement_set_of(request.requirements);
    if (const auto known = full_backlog_.recall(requirement_set, now)) {
      reserve("overloaded_local");
      not_placed("NODE_OVERLOADED", "job refused without asking Redis: " + std::to_string(known->waiting) +
                                        " jobs waited " + std::to_string(known->age_ms) + " ms ago (admission bound " +
                                        std::to_string(known->bound) + ")");
      co_return backlog_full_report(known->waiting, known->bound, known->resume_after_ms, known->age_ms);
    }
  }
  request.backlog_bound = order.admitted ? 0 : backlog_.bound(now);
  request.trace_id = trace_id;

  // No dispatch without a deadline: until the offset to the Redis clock is known, measure it first (Redis not
  // answering that is Redis down: nothing was placed).
  bool clock_known = state_.clock_synced();
  if (!clock_known) clock_known = co_await state_.sync_clock();
  if (!clock_known) {
    spdlog::warn("dispatch of {} not attempted: the Redis clock cannot be read", request.job_id);
    reserve("error");
    not_placed("SCHEDULER_DEPENDENCY_DOWN", "job not placed: Redis unreachable");
    co_return report_of(dispatch_report::kind::dependency_down);
  }
  auto placed = co_await state_.dispatch(request);
  auto refused_for_full_backlog = [&placed] {
    return placed && placed->status == state::dispatch_outcome::kind::rejected &&
           state::rejection_of(placed->reason) == state::rejection::backlog_full;
  };
  // (A full backlog implies nodes in the state: no epoch look for it.)
  if (placed && placed->status == state::dispatch_outcome::kind::rejected && !refused_for_full_backlog()) {
    // No node at all may mean Redis just came back empty and nobody re-registered yet: look at the epoch (rare
    // path, one small script) and, if it changed, try again once after this instance restored its state.
    const bool lost = co_await check_epoch();
    if (lost) placed = co_await state_.dispatch(request);
  }
  const bool backlog_full = refused_for_full_backlog();
  if (!placed) {
    spdlog::warn("dispatch of {} failed: {}", request.job_id, placed.error().message());
    // The session is told "not done"; if the script did run in time, abandon() makes that true.
    if (placed.error() == state::errc::outcome_unknown) abandon_in_background(request.job_id);
    reserve("error");
    not_placed("SCHEDULER_DEPENDENCY_DOWN", "job not placed: Redis unreachable");
    co_return report_of(dispatch_report::kind::dependency_down);
  }
  logging::job_event(spdlog::level::debug,
                     logging::job_fields{trace_id, speaker, request.job_id, placed->node_id, placed->attempt, {}, {}},
                     "job placed: status " + std::to_string(static_cast<int>(placed->status)) + " " + placed->reason);
  // The backlog had room for this requirement set (or a node did): nothing of it is known full any more.
  if (!backlog_full && full_backlog_.size() > 0 &&
      (placed->status == state::dispatch_outcome::kind::assigned ||
       placed->status == state::dispatch_outcome::kind::queued)) {
    if (requirement_set.empty()) requirement_set = requirement_set_of(request.requirements);
    full_backlog_.forget(requirement_set);
  }
  switch (placed->status) {
    case state::dispatch_outcome::kind::assigned:
    {
      reserve("success");
      // The frame is written from the order in hand: the template just stored is not parsed back.
      assign_frame built = frame_for(order.assign, placed->attempt, std::move(request.audio));
      co_await deliver(placed->job_id, placed->node_id, placed->attempt, built.frame, built.session_id, built.languages,
                       trace_id);
      if (metrics_ != nullptr) metrics_->dispatched(seconds_since(started));
    }
      co_return sent_report(placed->node_id, placed->attempt);
    case state::dispatch_outcome::kind::queued:
      reserve("queued");
      logging::job_event(spdlog::level::debug, logging::job_fields{trace_id, speaker, order.job_id, "", 0, {}, {}},
                         "job queued: every capable node is busy");
      co_return queued_report(placed->backlog_length, request.backlog_bound);
    case state::dispatch_outcome::kind::existing:
      reserve("duplicate");
      co_return duplicate_report(placed->node_id, placed->attempt, placed->job_id);
    case state::dispatch_outcome::kind::rejected:
      if (backlog_full) {
        // Admission: every capable node is busy and the backlog holds what can start within the budget.
        reserve("overloaded");
        not_placed("NODE_OVERLOADED", "job refused: " + std::to_string(placed->backlog_length) +
                                          " jobs wait already (admission bound " +
                                          std::to_string(request.backlog_bound) + ")");
        if (requirement_set.empty()) requirement_set = requirement_set_of(request.requirements);
        const std::int64_t window =
            full_backlog_.remember(requirement_set, steady_ms(), placed->backlog_length, request.backlog_bound,
                                   backlog_.drain_per_second(now));
        co_return backlog_full_report(placed->backlog_length, request.backlog_bound, window, -1);
      }
      reserve("fail");
      not_placed("NO_AVAILABLE_NODE", "job refused: no capable node (" + placed->reason + ")");
      co_return refused_report(placed->reason);
  }
  co_return dispatch_report{};
}

asio::awaitable<void> job_service::send(const std::string& job_id, const std::string& node_id, std::uint32_t attempt) {
  auto stored = co_await state_.load_job(job_id);
  if (!stored || !stored->has_value()) {
    // Redis down or the payload expired: the deadline will fail this attempt over (or fail the job).
    logging::job_event(spdlog::level::warn, logging::job_fields{{}, {}, job_id, node_id, attempt, {}, {}},
                       "job payload unavailable: attempt not sent");
    co_return;
  }
  assign_frame built = frame_for(**stored, attempt);
  co_await deliver(job_id, node_id, attempt, built.frame, built.session_id, built.languages, built.trace_id);
}

asio::awaitable<void> job_service::deliver(const std::string& job_id, const std::string& node_id,
                                          std::uint32_t attempt, std::string& frame, const std::string& session_id,
                                          std::vector<std::string>& languages, const std::string& trace_id) {
  // co_await stays out of conditions (GCC 12 mis-compiles it inside `||`).
  bool sent = false;
  const routing::job_attempt carried{job_id, attempt, std::move(languages)};
  if (!frame.empty()) sent = co_await router_.job_to_node(node_id, std::move(frame), carried);
  const logging::job_fields fields{trace_id, session_id, job_id, node_id, attempt, {}, {}};
  logging::job_event(spdlog::level::debug, fields, sent ? "job sent to its node" : "job not sent");
  if (!sent) {
    logging::job_event(spdlog::level::info, fields, "job's node unreachable: failing over");
    co_await fail_over(job_id, attempt, state::reassign_reason::send_failed, node_id, false);
    co_return;
  }
  routing::session_delivery news = routing::job_dispatched{job_id, node_id, attempt};
  co_await tell_session(session_id, std::move(news));
}

asio::awaitable<void> job_service::send_handed(const std::string& node_id, const std::vector<state::placed_job>& jobs) {
  for (const auto& job : jobs) co_await send(job.job_id, node_id, job.attempt);
}

asio::awaitable<void> job_service::on_ack(const std::string& node_id, const std::string& job_id, std::uint32_t attempt) {
  auto acked = co_await state_.ack(job_id, node_id, attempt);
  if (acked && acked->status == state::ack_outcome::kind::accepted) {
    routing::session_delivery news = routing::job_accepted{job_id};
    co_await tell_session(acked->session_id, std::move(news));
  }
}

asio::awaitable<void> job_service::on_partial(const protocol::node_asr_partial& partial) {
  routing::session_delivery news = routing::job_partial{partial.job_id, partial.text, partial.is_final};
  const std::string session_id = protocol::speaker_session_of(partial.session_id);  // a room stream's: see ids
  co_await tell_session(session_id, std::move(news));
}

asio::awaitable<void> job_service::on_result(const std::string& node_id, protocol::job_result result,
                                            std::optional<std::string> unavailable_service) {
  if (!result.success && unavailable_service) {
    // The node lacks a model: avoid that service there for a while and give the job to another node.
    co_await state_.mark_unavailable(node_id, *unavailable_service, timing_.model_unavailable_ttl_ms);
    co_await fail_over(result.job_id, result.attempt_id, state::reassign_reason::node_error, node_id, false);
    co_return;
  }
  if (is_duplicate_refusal(result)) {
    peer_log::info(node_id, peer_log::peer_event::peer_report, "job {} attempt {} refused by {} as a duplicate: moving it",
                   result.job_id, result.attempt_id, node_id);
    co_await fail_over(result.job_id, result.attempt_id, state::reassign_reason::node_error, node_id, false);
    co_return;
  }
  const state::completion how = !result.success       ? state::completion::failed
                                : is_empty_ack(result) ? state::completion::completed_no_text
                                                       : state::completion::completed;
  std::string reason;
  if (result.error) reason = result.error->code;
  auto done = co_await state_.complete(result.job_id, node_id, result.attempt_id, how, reason);
  std::string session_id = protocol::speaker_session_of(result.session_id);
  logging::job_event(spdlog::level::debug,
                     logging::job_fields{result.trace_id, session_id, result.job_id, node_id, result.attempt_id, {}, {}},
                     "job result received: status " + std::to_string(done ? static_cast<int>(done->status) : -1));
  if (done) {
    using kind = state::complete_outcome::kind;
    if (done->status != kind::completed && done->status != kind::upgraded) {
      // A node chooses what it sends: throttled per node (its address is not known here).
      peer_log::info(node_id, peer_log::peer_event::protocol_error, "result of job {} attempt {} from {} dropped ({})",
                     result.job_id, result.attempt_id, node_id,
                   done->status == kind::stale ? "stale attempt" : "duplicate or unknown");
      co_await send_handed(node_id, done->handed);  // the late result freed the slot the node kept
      co_return;
    }
    session_id = done->session_id;
  } else {
    // Redis is down: the result cannot be fenced here. Deliver it; the session delivers each job once.
    logging::job_event(spdlog::level::warn,
                       logging::job_fields{result.trace_id, session_id, result.job_id, node_id, result.attempt_id, {}, {}},
                       "job result accepted without fencing (" + done.error().message() + ")");
  }
  std::vector<state::placed_job> handed;
  if (done) handed = done->handed;
  const std::string job_id = result.job_id;
  {
    // No class-type operands in ?: here (GCC 12 coroutine bug, docs/architecture.md).
    const bool empty = is_empty_ack(result) || (result.text_asr.value_or("").empty() &&
                                                result.text_translated.value_or("").empty() &&
                                                result.tts_audio.value_or("").empty());
    std::string code;
    if (!result.success) code = result.error ? bounded_code(result.error->code) : "PROCESSING_ERROR";
    const char* outcome = !result.success ? "failed" : empty ? "empty" : "completed";
    job_ended(logging::job_fields{result.trace_id, session_id, job_id, node_id, result.attempt_id, outcome, code},
          "job ended");
  }
  if (!result.success) {
    // Moved, not copied: the node's error details are relayed as they came.
    protocol::job_error error = result.error ? std::move(*result.error)
                                             : protocol::job_error{"PROCESSING_ERROR", "job failed", {}};
    routing::session_delivery news =
        routing::job_failed{job_id, std::move(error.code), std::move(error.message), std::move(error.details)};
    co_await tell_session(session_id, std::move(news));
  } else {
    routing::session_delivery news = routing::job_finished{job_id, std::move(result)};
    co_await tell_session(session_id, std::move(news));
  }
  co_await send_handed(node_id, handed);
}

}  // namespace lingua::jobs
