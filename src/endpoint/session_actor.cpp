#include "endpoint/session_actor.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "endpoint/clock.hpp"
#include "endpoint/ids.hpp"
#include "protocol/base64.hpp"
#include "state/script_outcome.hpp"

namespace lingua::endpoint {
namespace asio = boost::asio;

namespace {

std::optional<std::uint64_t> non_negative(std::int64_t v) {
  if (v < 0) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

std::string refusal_text(const std::string& reason, const std::vector<std::string>& langs) {
  std::string pair;
  for (const auto& l : langs) pair += (pair.empty() ? "" : "+") + l;
  switch (state::rejection_of(reason)) {
    case state::rejection::no_pool: return "no node serves the languages " + pair;
    case state::rejection::missing_service: return "no node for " + pair + " runs every service the pipeline needs";
    case state::rejection::missing_language:
      return "no node for " + pair + " recognises or speaks the needed language";
    case state::rejection::private_nodes: return "the nodes for " + pair + " take no public jobs";
    default: return "no node available for " + pair + " (" + reason + ")";
  }
}

}  // namespace

session_actor::session_actor(context ctx, std::shared_ptr<net::connection> conn, session_profile profile)
    : ctx_(std::move(ctx)),
      conn_(std::move(conn)),
      profile_(std::move(profile)),
      segmenter_(ctx_.settings.segmentation),
      groups_(profile_.session_id),
      utterance_order_(session::result_order_config{ctx_.settings.result_gap_wait_ms, 200, 0}),
      clock_(ctx_.executor),
      work_signal_(ctx_.executor) {}

void session_actor::send(std::string text) {
  if (conn_ && conn_->is_open()) conn_->send(std::move(text));
}

void session_actor::send_error(const std::string& code, const std::string& message) {
  send(protocol::to_json(protocol::error_message{code, message, std::nullopt}));
}

asio::awaitable<void> session_actor::start() {
  running_ = true;
  std::weak_ptr<routing::session_sink> sink = weak_from_this();  // named: see jobs::job_service::send
  co_await ctx_.router.claim_session(profile_.session_id, std::move(sink));
  auto self = shared_from_this();
  asio::co_spawn(ctx_.executor, [self]() { return self->clock_loop(); }, asio::detached);
  asio::co_spawn(ctx_.executor, [self]() { return self->dispatch_loop(); }, asio::detached);
}

asio::awaitable<void> session_actor::stop() {
  if (!running_) co_return;
  running_ = false;
  clock_.cancel();
  work_signal_.cancel();
  queue_.clear();
  co_await ctx_.router.release_session(profile_.session_id, this);
}

// ---- client messages -------------------------------------------------------------------------------------------

void session_actor::on_audio_chunk(const protocol::audio_chunk& chunk) {
  if (closed_) {
    send_error("SESSION_CLOSED", "Session is closed");
    return;
  }
  std::string bytes;
  if (chunk.payload && !protocol::base64::decode_append(*chunk.payload, bytes)) {
    send_error("INVALID_MESSAGE", "Invalid message format: payload is not valid base64");
    return;
  }
  if (!first_chunk_client_ms_ && chunk.client_timestamp_ms) first_chunk_client_ms_ = chunk.client_timestamp_ms;
  enqueue(segmenter_.on_chunk(steady_ms(), bytes, chunk.is_final, chunk.client_timestamp_ms));
  rearm();
}

void session_actor::on_utterance(protocol::utterance message) {
  if (closed_) {
    send_error("SESSION_CLOSED", "Session is closed");
    return;
  }
  if (protocol::base64::encoded_size(ctx_.settings.max_utterance_audio_bytes) < message.audio.size()) {
    send_error("INVALID_MESSAGE", "Invalid message format: utterance audio exceeds " +
                                      std::to_string(ctx_.settings.max_utterance_audio_bytes) + " bytes");
    return;
  }
  if (!state::valid_language(message.tgt_lang) ||
      (message.src_lang != "auto" && !state::valid_language(message.src_lang))) {
    send_error("INVALID_MESSAGE", "Invalid message format: src_lang/tgt_lang are not language codes");
    return;
  }
  if (!protocol::base64::decode(message.audio)) {
    send_error("INVALID_MESSAGE", "Invalid message format: audio is not valid base64");
    return;
  }
  const std::uint64_t index = message.utterance_index;
  const std::int64_t now = steady_ms();
  utterance_order_.resolve(index, std::move(message), now);
  enqueue_ready_utterances(now);
  rearm();
}

void session_actor::enqueue_ready_utterances(std::int64_t now) {
  for (auto& ready : utterance_order_.take_ready(now)) {
    work w;
    w.index = ready.utterance_index;
    protocol::base64::decode_append(ready.audio, w.audio);  // validated on arrival
    ready.audio.clear();
    w.duration_ms = session::estimate_audio_duration_ms(w.audio, session::parse_audio_format(ready.audio_format),
                                                        ready.sample_rate);
    w.message = std::move(ready);
    w.cut_ms = now;
    enqueue(std::move(w));
  }
}

void session_actor::on_tts_started(const std::string& group_id) {
  const std::int64_t now = steady_ms();
  groups_.on_tts_started(group_id, now);
  segmenter_.on_playback(now);
  rearm();
}

void session_actor::on_tts_ended(const std::string& group_id) {
  const std::int64_t now = steady_ms();
  groups_.on_tts_ended(group_id, now);
  segmenter_.on_playback(now);
  rearm();
}

asio::awaitable<void> session_actor::close() {
  if (!closed_) {
    closed_ = true;
    enqueue(segmenter_.close(steady_ms()));
    // The last utterance is placed before the acknowledgement, so the client knows it was not lost.
    asio::steady_timer wait(ctx_.executor);
    for (int i = 0; i < 2000 && running_ && (dispatching_ || !queue_.empty()); ++i) {
      wait.expires_after(std::chrono::milliseconds(5));
      co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    release_ready();
  }
  send(protocol::to_json(protocol::session_close_ack{profile_.session_id}));
}

// ---- clock -----------------------------------------------------------------------------------------------------

std::optional<std::int64_t> session_actor::next_deadline() const {
  std::optional<std::int64_t> due = segmenter_.next_deadline();
  auto earliest = [&due](std::optional<std::int64_t> t) {
    if (t && (!due || *t < *due)) due = t;
  };
  earliest(utterance_order_.next_deadline());
  for (const auto& [lang, order] : result_orders_) earliest(order.next_deadline());
  if (!watching_) {
    for (const auto& [id, job] : jobs_) earliest(job.look_at_ms);
  }
  return due;
}

void session_actor::rearm() { clock_.cancel(); }

asio::awaitable<void> session_actor::clock_loop() {
  auto self = shared_from_this();
  while (running_) {
    const auto due = next_deadline();
    if (due) {
      clock_.expires_after(std::chrono::milliseconds(std::max<std::int64_t>(0, *due - steady_ms())));
    } else {
      clock_.expires_at(asio::steady_timer::time_point::max());
    }
    co_await clock_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!running_) break;
    on_clock();
  }
}

void session_actor::on_clock() {
  const std::int64_t now = steady_ms();
  enqueue(segmenter_.on_timer(now));
  if (const auto due = utterance_order_.next_deadline(); due && *due <= now) enqueue_ready_utterances(now);
  release_ready();
  maybe_watch_jobs(now);
}

// ---- dispatch --------------------------------------------------------------------------------------------------

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

void session_actor::backlog_left(job_context& job) {
  if (job.queued_ms < 0) return;
  if (ctx_.metrics != nullptr) ctx_.metrics->backlog_wait(static_cast<double>(steady_ms() - job.queued_ms) / 1000.0);
  job.queued_ms = -1;
}

void session_actor::enqueue(std::vector<session::utterance_cut> cuts) {
  count_cuts(cuts);
  const std::int64_t now = steady_ms();
  for (auto& cut : cuts) {
    work w;
    w.cut_ms = now;
    w.index = cut.utterance_index;
    w.duration_ms = cut.audio_duration_ms;
    w.audio = std::move(cut.audio);
    w.cut = std::move(cut);
    enqueue(std::move(w));
  }
}

void session_actor::enqueue(work w) {
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
  for (auto& [lang, order] : result_orders_) {
    bool heard = false;
    for (const auto& who : audiences) heard = heard || who.target_lang == lang;
    if (!heard) order.resolve(w.index, std::nullopt, now);
  }
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

  job_context job;
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
  order_for(who.target_lang, w.index).expect(w.index, job.created_ms);
  rearm();  // the clock also wakes for the job's first look (watch_jobs)

  const jobs::dispatch_report report = co_await ctx_.jobs.dispatch(std::move(order));
  on_dispatch_report(job_id, report);
}

void session_actor::on_dispatch_report(const std::string& job_id, const jobs::dispatch_report& report) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;  // its outcome reached the client already
  const job_context job = it->second;
  switch (report.what) {
    case jobs::dispatch_report::kind::sent:
      break;  // job_dispatched arrives through deliver()
    case jobs::dispatch_report::kind::queued:
      if (it->second.queued_ms < 0) it->second.queued_ms = steady_ms();
      send_ui_event(job, job_id, protocol::ui_event_type::queued, std::nullopt);
      break;
    case jobs::dispatch_report::kind::duplicate:
      // The earlier job with the same key carries on and reports under its own id (placed again: it is this one).
      if (report.existing_job_id != job_id) jobs_.erase(job_id);
      break;
    case jobs::dispatch_report::kind::refused:
      jobs_.erase(job_id);
      resolve(job, error_outbound(job, job_id, "NO_AVAILABLE_NODE", refusal_text(report.reason, job.languages),
                                  std::nullopt));
      break;
    case jobs::dispatch_report::kind::dependency_down:
      jobs_.erase(job_id);
      resolve(job, error_outbound(job, job_id, "SCHEDULER_DEPENDENCY_DOWN",
                                  "the scheduler's state store is unreachable; try again shortly", std::nullopt));
      break;
  }
}

void session_actor::state_lost() {
  if (!running_ || jobs_.empty()) return;
  auto self = shared_from_this();
  asio::co_spawn(ctx_.executor, [self]() { return self->place_again(); },
                 [id = profile_.session_id](const std::exception_ptr& e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& ex) {
                     spdlog::error("session {}: placing jobs again failed: {}", id, ex.what());
                   }
                 });
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
    const jobs::dispatch_report report = co_await ctx_.jobs.dispatch(std::move(order));
    on_dispatch_report(entry.second, report);
  }
}

// ---- job news --------------------------------------------------------------------------------------------------

session::result_order<session_actor::outbound>& session_actor::order_for(const std::string& target_lang,
                                                                         std::uint64_t first_index) {
  auto it = result_orders_.find(target_lang);
  if (it == result_orders_.end()) {
    // A language first heard at utterance N (a listener joined mid-session) starts its order there.
    it = result_orders_
             .emplace(target_lang, session::result_order<outbound>(session::result_order_config{
                                       ctx_.settings.result_gap_wait_ms, 200, first_index}))
             .first;
  }
  return it->second;
}

void session_actor::resolve(const job_context& job, std::optional<outbound> out) {
  auto& order = order_for(job.target_lang, job.utterance_index);
  const std::uint64_t late_before = order.late_total();
  order.resolve(job.utterance_index, std::move(out), steady_ms());
  if (ctx_.metrics != nullptr && order.late_total() > late_before) ctx_.metrics->result_late();
  release_ready();
  rearm();
}

void session_actor::release_ready() {
  const std::int64_t now = steady_ms();
  for (auto& [lang, order] : result_orders_) {
    const std::uint64_t skipped_before = order.skipped_total();
    std::vector<outbound> ready = order.take_ready(now);
    if (ctx_.metrics != nullptr && order.skipped_total() > skipped_before) {
      ctx_.metrics->result_gap_wait(order.skipped_total() - skipped_before);
    }
    for (auto& out : ready) {
      if (ctx_.metrics != nullptr && out.cut_ms >= 0) {
        ctx_.metrics->utterance_latency(static_cast<double>(now - out.cut_ms) / 1000.0);
      }
      if (out.listeners.empty()) {
        for (auto& text : out.texts) send(std::move(text));
        continue;
      }
      for (const auto& listener : out.listeners) {
        for (const auto& text : out.texts) {
          if (listener == profile_.session_id) {
            send(text);
            continue;
          }
          send_to_listener(listener, text);
        }
      }
    }
  }
}

void session_actor::send_to_listener(const std::string& listener, std::string text) {
  auto [it, fresh] = listener_queues_.try_emplace(listener);
  it->second.push_back(std::move(text));
  if (!fresh) return;  // its drainer is running and will take this one after the earlier ones
  auto self = shared_from_this();
  asio::co_spawn(
      ctx_.executor, [self, id = listener]() -> asio::awaitable<void> { co_await self->drain_listener(id); },
      [id = listener](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("delivery to listener {} failed: {}", id, ex.what());
        }
      });
}

asio::awaitable<void> session_actor::drain_listener(std::string listener) {
  while (true) {
    auto it = listener_queues_.find(listener);
    if (it == listener_queues_.end()) co_return;
    if (it->second.empty()) {
      listener_queues_.erase(it);
      co_return;
    }
    routing::session_delivery news = routing::client_text{std::move(it->second.front())};
    it->second.pop_front();
    // Awaited before the next one: the router's hand-off (local socket or the listener's instance inbox) is done
    // in order.
    co_await ctx_.router.to_session(listener, std::move(news));
  }
}

void session_actor::send_ui_event(const job_context& job, const std::string& job_id, protocol::ui_event_type event,
                                  std::optional<std::uint64_t> elapsed_ms) {
  protocol::ui_event e;
  e.trace_id = job.trace_id;
  e.session_id = profile_.session_id;
  e.job_id = job_id;
  e.utterance_index = job.utterance_index;
  e.event = event;
  e.elapsed_ms = elapsed_ms;
  send(protocol::to_json(e));
}

session_actor::outbound session_actor::error_outbound(const job_context& job, const std::string& job_id,
                                                      const std::string& code, const std::string& message,
                                                      std::optional<nlohmann::json> details) {
  protocol::ui_event e;
  e.trace_id = job.trace_id;
  e.session_id = profile_.session_id;
  e.job_id = job_id;
  e.utterance_index = job.utterance_index;
  e.event = protocol::ui_event_type::error;
  e.status = protocol::ui_event_status::error;
  e.elapsed_ms = non_negative(steady_ms() - job.created_ms);
  protocol::error_code known{};
  if (protocol::from_string(code, known)) {
    e.error_code = protocol::ui_error_code_for_node_code(code);
    if (code == "JOB_TIMEOUT" || code == "SCHEDULER_DEPENDENCY_DOWN" || code == "NO_AVAILABLE_NODE") e.error_code = known;
    e.hint = std::string(protocol::hint(known));
  } else {
    e.hint = std::string(protocol::generic_hint);
  }
  outbound out;
  // Errors go to the speaker: listeners in a room have no use for another speaker's failures.
  out.texts.push_back(protocol::to_json(e));
  out.texts.push_back(protocol::to_json(protocol::error_message{code, message, std::move(details)}));
  return out;
}

void session_actor::deliver(routing::session_delivery delivery) {
  if (auto* text = std::get_if<routing::client_text>(&delivery)) {
    send(std::move(text->text));
    return;
  }
  auto job_of = [this](const std::string& id) -> job_context* {
    auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : &it->second;
  };
  if (auto* d = std::get_if<routing::job_dispatched>(&delivery)) {
    if (auto* job = job_of(d->job_id)) {
      backlog_left(*job);
      job->node_id = d->node_id;
      job->dispatched_wall_ms = wall_ms();
      send_ui_event(*job, d->job_id, protocol::ui_event_type::dispatched, std::nullopt);
    }
  } else if (auto* a = std::get_if<routing::job_accepted>(&delivery)) {
    if (auto* job = job_of(a->job_id)) send_ui_event(*job, a->job_id, protocol::ui_event_type::node_accepted, std::nullopt);
  } else if (auto* q = std::get_if<routing::job_queued>(&delivery)) {
    if (auto* job = job_of(q->job_id)) {
      if (job->queued_ms < 0) job->queued_ms = steady_ms();
      send_ui_event(*job, q->job_id, protocol::ui_event_type::queued, std::nullopt);
    }
  } else if (auto* p = std::get_if<routing::job_partial>(&delivery)) {
    if (auto* job = job_of(p->job_id)) {
      send(protocol::to_json(protocol::asr_partial{profile_.session_id, job->utterance_index, "", p->text,
                                                   p->is_final, job->trace_id}));
      job_context blank = *job;
      send_ui_event(blank, "", protocol::ui_event_type::asr_partial, std::nullopt);
    }
  } else if (auto* f = std::get_if<routing::job_finished>(&delivery)) {
    on_finished(f->job_id, f->result);
  } else if (auto* e = std::get_if<routing::job_failed>(&delivery)) {
    auto it = jobs_.find(e->job_id);
    if (it == jobs_.end()) return;
    backlog_left(it->second);
    const job_context job = it->second;
    jobs_.erase(it);
    resolve(job, error_outbound(job, e->job_id, e->code, e->message, std::move(e->details)));
  }
}

void session_actor::on_finished(const std::string& job_id, protocol::job_result& r) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;  // delivered before, or not ours: each job reaches the client once
  const job_context job = it->second;
  jobs_.erase(it);
  if (!job.node_id.empty()) sticky_node_ = job.node_id;

  const bool empty_ack =
      r.extra && r.extra->reason && (*r.extra->reason == "NO_TEXT_ASSIGNED" || *r.extra->reason == "ASR_EMPTY");
  if (empty_ack) {
    resolve(job, std::nullopt);  // the text went with another job: nothing to show
    return;
  }
  const std::string asr = r.text_asr.value_or("");
  const std::string translated = r.text_translated.value_or("");
  const std::string tts = r.tts_audio.value_or("");
  const std::int64_t now_wall = wall_ms();
  outbound out;
  out.listeners = job.listeners;
  out.cut_ms = job.cut_ms;
  if (asr.empty() && translated.empty() && tts.empty()) {
    if (ctx_.metrics != nullptr) ctx_.metrics->missing_result("silence_detected");
    out.texts.push_back(protocol::to_json(
        protocol::missing_result{profile_.session_id, job.utterance_index, "silence_detected", now_wall, job.trace_id}));
    resolve(job, std::move(out));
    return;
  }
  const auto elapsed = non_negative(steady_ms() - job.created_ms);
  if (!asr.empty()) send_ui_event(job, job_id, protocol::ui_event_type::asr_final, elapsed);
  if (!translated.empty()) send_ui_event(job, job_id, protocol::ui_event_type::nmt_done, elapsed);

  protocol::translation_result tr;
  tr.session_id = profile_.session_id;
  tr.utterance_index = job.utterance_index;
  tr.job_id = job_id;
  tr.text_asr = asr;
  tr.text_translated = translated;
  tr.tts_audio = tts;
  tr.tts_format = r.tts_format.value_or("pcm16");
  tr.extra = r.extra;
  tr.trace_id = job.trace_id;
  if (!asr.empty()) {
    if (auto placement = groups_.on_result(asr, translated, steady_ms(), now_wall)) {
      tr.group_id = placement->group_id;
      tr.part_index = placement->part_index;
    }
  }
  if (r.extra && r.extra->service_timings) {
    tr.service_timings = r.extra->service_timings;
  } else if (r.processing_time_ms) {
    tr.service_timings = protocol::service_timings{std::nullopt, std::nullopt, std::nullopt, r.processing_time_ms};
  }
  protocol::network_timings net_timings;
  if (first_chunk_client_ms_) net_timings.web_to_scheduler_ms = non_negative(job.created_wall_ms - *first_chunk_client_ms_);
  if (job.dispatched_wall_ms != 0) net_timings.scheduler_to_node_ms = non_negative(job.dispatched_wall_ms - job.created_wall_ms);
  if (r.node_completed_at_ms) net_timings.node_to_scheduler_ms = non_negative(now_wall - *r.node_completed_at_ms);
  if (net_timings != protocol::network_timings{}) tr.network_timings = net_timings;
  tr.scheduler_sent_at_ms = now_wall;
  tr.asr_quality_level = r.asr_quality_level;
  tr.reason_codes = r.reason_codes;
  tr.quality_score = r.quality_score;
  tr.rerun_count = r.rerun_count;
  tr.segments_meta = r.segments_meta;
  out.texts.push_back(protocol::to_json(tr));
  resolve(job, std::move(out));
}

}  // namespace lingua::endpoint
