#include "endpoint/result_render.hpp"

#include "protocol/error_code.hpp"
#include "state/script_outcome.hpp"

namespace lingua::endpoint {

std::optional<std::uint64_t> non_negative(std::int64_t v) {
  if (v < 0) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

std::string refusal_text(const std::string& reason, const std::vector<std::string>& languages) {
  std::string pair;
  for (const auto& l : languages) pair += (pair.empty() ? "" : "+") + l;
  switch (state::rejection_of(reason)) {
    case state::rejection::no_pool: return "no node serves the languages " + pair;
    case state::rejection::missing_service: return "no node for " + pair + " runs every service the pipeline needs";
    case state::rejection::missing_language:
      return "no node for " + pair + " recognises or speaks the needed language";
    case state::rejection::private_nodes: return "the nodes for " + pair + " take no public jobs";
    default: return "no node available for " + pair + " (" + reason + ")";
  }
}

protocol::ui_event job_event(const std::string& session_id, const session_job& job, const std::string& job_id,
                             protocol::ui_event_type event, std::optional<std::uint64_t> elapsed_ms) {
  protocol::ui_event e;
  e.trace_id = job.trace_id;
  e.session_id = session_id;
  e.job_id = job_id;
  e.utterance_index = job.utterance_index;
  e.event = event;
  e.elapsed_ms = elapsed_ms;
  return e;
}

outbound error_outbound(const std::string& session_id, const session_job& job, const std::string& job_id,
                        const std::string& code, const std::string& message, std::optional<nlohmann::json> details,
                        std::int64_t now_ms) {
  protocol::ui_event e = job_event(session_id, job, job_id, protocol::ui_event_type::error,
                                   non_negative(now_ms - job.created_ms));
  e.status = protocol::ui_event_status::error;
  protocol::error_code known{};
  if (protocol::from_string(code, known)) {
    e.error_code = protocol::ui_error_code_for_node_code(code);
    if (code == "JOB_TIMEOUT" || code == "SCHEDULER_DEPENDENCY_DOWN" || code == "NO_AVAILABLE_NODE" ||
        code == "NODE_OVERLOADED") {
      e.error_code = known;
    }
    e.hint = std::string(protocol::hint(known));
  } else {
    e.hint = std::string(protocol::generic_hint);
  }
  outbound out;
  out.texts.push_back(protocol::to_json(e));
  out.texts.push_back(protocol::to_json(protocol::error_message{code, message, std::move(details)}));
  return out;
}

protocol::translation_result translation_for(const std::string& session_id, const session_job& job,
                                             const std::string& job_id, const protocol::job_result& r,
                                             std::optional<std::int64_t> first_chunk_client_ms, std::int64_t now_wall_ms) {
  protocol::translation_result tr;
  tr.session_id = session_id;
  tr.utterance_index = job.utterance_index;
  tr.job_id = job_id;
  tr.text_asr = r.text_asr.value_or("");
  tr.text_translated = r.text_translated.value_or("");
  tr.tts_audio = r.tts_audio.value_or("");
  tr.tts_format = r.tts_format.value_or("pcm16");
  tr.extra = r.extra;
  tr.trace_id = job.trace_id;
  if (r.extra && r.extra->service_timings) {
    tr.service_timings = r.extra->service_timings;
  } else if (r.processing_time_ms) {
    tr.service_timings = protocol::service_timings{std::nullopt, std::nullopt, std::nullopt, r.processing_time_ms};
  }
  protocol::network_timings net_timings;
  if (first_chunk_client_ms) net_timings.web_to_scheduler_ms = non_negative(job.created_wall_ms - *first_chunk_client_ms);
  if (job.dispatched_wall_ms != 0) net_timings.scheduler_to_node_ms = non_negative(job.dispatched_wall_ms - job.created_wall_ms);
  if (r.node_completed_at_ms) net_timings.node_to_scheduler_ms = non_negative(now_wall_ms - *r.node_completed_at_ms);
  if (net_timings != protocol::network_timings{}) tr.network_timings = net_timings;
  tr.scheduler_sent_at_ms = now_wall_ms;
  tr.asr_quality_level = r.asr_quality_level;
  tr.reason_codes = r.reason_codes;
  tr.quality_score = r.quality_score;
  tr.rerun_count = r.rerun_count;
  tr.segments_meta = r.segments_meta;
  return tr;
}

}  // namespace lingua::endpoint
