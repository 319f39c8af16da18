// session_actor's utterance placement (see session_actor.hpp): cut audio and released `utterance` messages become
// work; each work item becomes one job per audience, placed one utterance at a time, in utterance order.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "asio/log_escape.hpp"
#include "clock/clock.hpp"
#include "endpoint/ids.hpp"
#include "endpoint/result_render.hpp"
#include "endpoint/session_actor.hpp"
#include "metrics/scheduler_metrics.hpp"
#include "protocol/base64.hpp"
#include "state/script_outcome.hpp"

namespace lingua::endpoint {
namespace asio = boost::asio;

void session_actor::enqueue_ready_utterances(std::int64_t now) {
  for (auto& ready : utterance_order_.take_ready(now)) {
    work w;
    w.index = ready.utterance_index;
    w.audio = std::move(ready.audio);  // base64, validated on arrival; the node gets it as it came
    ready.audio.clear();
    w.duration_ms = session::estimate_base64_audio_duration_ms(
        w.audio, session::parse_audio_format(ready.audio_format), ready.sample_rate);
    w.message = std::move(ready);
    w.cut_ms = now;
    enqueue(std::move(w));
  }
}

void session_actor::count_cuts(const std::vector<session::utterance_cut>& cuts) {
  if (ctx_.metrics == nullptr) return;
  for (const auto& cut : cuts) {
    switch (cut.reason) {
      case session::cut_reason::manual: ctx_.metrics->utterance_cut("send"); break;
      case session::cut_reason::pause: ctx_.metrics->utterance_cut("pause"); break;
      case session::cut_reason::max_duration: ctx_.metrics->utterance_cut("max_duration"); break;
      case session::cut_reason::max_buffer: ctx_.metrics->utterance_cut("buffer"); break;
      case session::cut_reason::session_close: ctx_.metrics->utterance_cut("close"); break;
    }
  }
  for (; silent_cuts_seen_ < segmenter_.skipped_silent_cuts(); ++silent_cuts_seen_) {
    ctx_.metrics->utterance_cut("silence_skipped");
  }
}

void session_actor::backlog_left(session_job& job) {
  if (job.queued_ms < 0) return;
  const std::int64_t now = steady_ms();
  if (ctx_.metrics != nullptr) ctx_.metrics->backlog_wait(static_cast<double>(now - job.queued_ms) / 1000.0);
  ctx_.jobs.backlog().observe(now, job.queued_behind, now - job.queued_ms);  // the backlog's drain rate
  job.queued_ms = -1;
  job.queued_behind = 0;
}

void session_actor::enqueue(std::vector<session::utterance_cut> cuts) {
  count_cuts(cuts);
  const std::int64_t now = steady_ms();
  for (auto& cut : cuts) {
    work w;
    w.cut_ms = now;
    w.index = cut.utterance_index;
    w.duration_ms = cut.audio_duration_ms;
    w.audio = protocol::base64::encode(cut.audio);  // encoded once, as job_assign carries it
    cut.audio.clear();
    w.cut = std::move(cut);
    enqueue(std::move(w));
  }
}

void session_actor::enqueue(work w) {
  if (!admit(w)) return;  // refused at once, in its place in the order
  queue_.push_back(std::move(w));
  work_signal_.cancel();
}

asio::awaitable<void> session_actor::dispatch_loop() {
  auto self = shared_from_this();
  while (running_) {
    if (queue_.empty()) {
      work_signal_.expires_at(asio::steady_timer::time_point::max());
      co_await work_signal_.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    work w = std::move(queue_.front());
    queue_.pop_front();
    dispatching_index_ = w.index;
    dispatching_ = true;
    co_await dispatch(std::move(w));
    dispatching_ = false;
  }
}

asio::awaitable<void> session_actor::dispatch(work w) {
  std::optional<std::vector<audience>> room;
  if (ctx_.audiences) room = co_await ctx_.audiences(profile_.session_id);
  std::vector<audience> audiences;
  const bool in_room = room && !room->empty();
  if (in_room) {
    audiences = std::move(*room);
    // Each listener language is its own stream towards nodes (see protocol::stream_session_id).
    for (auto& who : audiences) who.stream = true;
  } else {
    audience speaker;
    speaker.target_lang = profile_.tgt_lang;
    if (w.message) speaker.target_lang = w.message->tgt_lang;
    audiences.push_back(std::move(speaker));
  }
  // A language this utterance is not translated into has nothing to wait for at this index.
  const std::int64_t now = steady_ms();
  std::vector<std::string> heard;
  for (const auto& who : audiences) heard.push_back(who.target_lang);
  delivery_->not_heard(w.index, heard, now);
  for (const auto& who : audiences) {
    if (!running_) co_return;
    co_await dispatch_one(w, who);
  }
}

asio::awaitable<void> session_actor::dispatch_one(const work& w, const audience& who) {
  session_profile profile = profile_;
  protocol::job_assign assign;
  protocol::pipeline_config pipeline;
  std::optional<protocol::feature_flags> features = profile_.features;
  if (w.message) {
    if (!w.message->src_lang.empty()) profile.src_lang = w.message->src_lang;
    profile.tgt_lang = w.message->tgt_lang;
    if (w.message->features) features = w.message->features;
    assign = assign_for_utterance(profile, *w.message, who.target_lang);
    pipeline = assign.pipeline;
  } else {
    const cut_context recent{groups_.context_text(), groups_.active_group_id()};
    assign = assign_for_cut(profile, *w.cut, who.target_lang, ctx_.settings.segmentation.audio_format, recent);
    pipeline = assign.pipeline;
  }

  jobs::job_order order;
  order.job_id = new_job_id();
  order.job_key = job_key_for(profile, w.index, who.target_lang, features);
  order.requirements = requirements_for(profile, who.target_lang, pipeline);
  if (ctx_.settings.sticky_sessions) order.requirements.sticky_node = sticky_node_;
  order.audio = w.audio;
  order.audio_duration_ms = w.duration_ms;
  if (who.stream) assign.session_id = protocol::stream_session_id(profile.session_id, who.target_lang);
  order.assign = std::move(assign);

  session_job job;
  job.utterance_index = w.index;
  job.target_lang = who.target_lang;
  job.listeners = who.listeners;
  job.created_ms = steady_ms();
  job.created_wall_ms = wall_ms();
  job.cut_ms = w.cut_ms;
  job.trace_id = order.assign.trace_id;
  const std::string job_id = order.job_id;
  job.languages = order.requirements.languages;
  job.order = std::make_shared<const jobs::job_order>(order);
  job.look_step_ms = ctx_.settings.lost_news_after_ms;
  job.look_at_ms = job.created_ms + job.look_step_ms;
  jobs_[job_id] = job;
  delivery_->expect(who.target_lang, w.index, job.created_ms);
  rearm();  // the clock also wakes for the job's first look (watch_jobs)

  const jobs::dispatch_report report = co_await ctx_.jobs.dispatch(std::move(order));
  on_dispatch_report(job_id, report);
}

void session_actor::on_dispatch_report(const std::string& job_id, const jobs::dispatch_report& report) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;  // its outcome reached the client already
  const session_job job = it->second;
  switch (report.what) {
    case jobs::dispatch_report::kind::sent:
      break;  // job_dispatched arrives through deliver()
    case jobs::dispatch_report::kind::queued:
      if (it->second.queued_ms < 0) it->second.queued_ms = steady_ms();
      it->second.queued_behind = report.backlog_length;
      send_ui_event(job, job_id, protocol::ui_event_type::queued, std::nullopt);
      break;
    case jobs::dispatch_report::kind::duplicate:
      // The earlier job with the same key carries on and reports under its own id (placed again: it is this one).
      if (report.existing_job_id != job_id) jobs_.erase(job_id);
      break;
    case jobs::dispatch_report::kind::refused:
      jobs_.erase(job_id);
      if (state::rejection_of(report.reason) == state::rejection::backlog_full) {
        refuse_overloaded(job, job_id, report);
        break;
      }
      fail(job, job_id, "NO_AVAILABLE_NODE", refusal_text(report.reason, job.languages), std::nullopt);
      break;
    case jobs::dispatch_report::kind::dependency_down:
      jobs_.erase(job_id);
      fail(job, job_id, "SCHEDULER_DEPENDENCY_DOWN", "the scheduler's state store is unreachable; try again shortly",
           std::nullopt);
      break;
  }
}

void session_actor::state_lost() {
  if (!running_ || jobs_.empty()) return;
  auto self = shared_from_this();
  asio::co_spawn(ctx_.executor, [self]() { return self->place_again(); },
                 log_escape("session " + profile_.session_id + ": placing jobs again"));
}

asio::awaitable<void> session_actor::place_again() {
  // In utterance order, so nodes receive them in order again.
  std::vector<std::pair<std::uint64_t, std::string>> pending;
  for (const auto& [id, job] : jobs_) {
    if (job.order) pending.emplace_back(job.utterance_index, id);
  }
  std::sort(pending.begin(), pending.end());
  spdlog::info("session {}: placing {} unfinished job(s) again", profile_.session_id, pending.size());
  for (const auto& entry : pending) {
    if (!running_) co_return;
    auto it = jobs_.find(entry.second);
    if (it == jobs_.end() || !it->second.order) continue;
    jobs::job_order order = *it->second.order;
    order.admitted = true;  // admitted once: never refused by admission now
    const jobs::dispatch_report report = co_await ctx_.jobs.dispatch(std::move(order));
    on_dispatch_report(entry.second, report);
  }
}

}  // namespace lingua::endpoint
