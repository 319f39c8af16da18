// session_actor's job news (see session_actor.hpp): what the router delivers about a job becomes client messages
// (rendered by result_render) handed to result_delivery, which releases them in utterance order.
#include "clock/clock.hpp"
#include "endpoint/result_render.hpp"
#include "endpoint/session_actor.hpp"
#include "metrics/scheduler_metrics.hpp"

namespace lingua::endpoint {
void session_actor::resolve(const session_job& job, std::optional<outbound> out) {
  observe_latency(job);
  delivery_->resolve(job.target_lang, job.utterance_index, std::move(out), steady_ms());
  rearm();
}

void session_actor::fail(const session_job& job, const std::string& job_id, const std::string& code,
                         const std::string& message, std::optional<nlohmann::json> details) {
  resolve(job, error_outbound(profile_.session_id, job, job_id, code, message, std::move(details), steady_ms()));
}

void session_actor::send_ui_event(const session_job& job, const std::string& job_id, protocol::ui_event_type event,
                                  std::optional<std::uint64_t> elapsed_ms) {
  send(protocol::to_json(job_event(profile_.session_id, job, job_id, event, elapsed_ms)));
}

void session_actor::deliver(routing::session_delivery delivery) {
  if (auto* text = std::get_if<routing::client_text>(&delivery)) {
    send(std::move(text->text));
    return;
  }
  auto job_of = [this](const std::string& id) -> session_job* {
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
      session_job blank = *job;
      send_ui_event(blank, "", protocol::ui_event_type::asr_partial, std::nullopt);
    }
  } else if (auto* f = std::get_if<routing::job_finished>(&delivery)) {
    on_finished(f->job_id, f->result);
  } else if (auto* e = std::get_if<routing::job_failed>(&delivery)) {
    auto it = jobs_.find(e->job_id);
    if (it == jobs_.end()) return;
    backlog_left(it->second);
    const session_job job = it->second;
    jobs_.erase(it);
    fail(job, e->job_id, e->code, e->message, std::move(e->details));
  }
}

void session_actor::on_finished(const std::string& job_id, protocol::job_result& r) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;  // delivered before, or not ours: each job reaches the client once
  const session_job job = it->second;
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

  protocol::translation_result tr =
      translation_for(profile_.session_id, job, job_id, r, first_chunk_client_ms_, now_wall);
  if (!asr.empty()) {
    if (auto placement = groups_.on_result(asr, translated, steady_ms(), now_wall)) {
      tr.group_id = placement->group_id;
      tr.part_index = placement->part_index;
    }
  }
  out.texts.push_back(protocol::to_json(tr));
  resolve(job, std::move(out));
}

}  // namespace lingua::endpoint
