#pragma once
// Error codes (reference §1.7), UI event vocabulary (§1.8) and the Chinese user hints carried by `ui_event.hint`.
#include <optional>
#include <string_view>

namespace lingua::protocol {

// ErrorCode, wire form SCREAMING_SNAKE_CASE. Codes a node reports (e.g. PROCESSING_ERROR) are not in this list: they
// travel as strings in `error.code` / `job_result.error.code`.
enum class error_code {
  invalid_message,
  internal_error,
  invalid_session,
  session_closed,
  node_unavailable,
  node_overloaded,
  model_not_available,
  model_load_failed,
  unsupported_feature,
  invalid_pairing_code,
  no_available_node,
  ws_disconnected,
  nmt_timeout,
  tts_timeout,
  job_timeout,
  model_verify_failed,
  model_corrupted,
  no_gpu_available,
  node_id_conflict,
  invalid_capability_schema,
  scheduler_dependency_down,
};

enum class ui_event_type {
  input_started,
  input_ended,
  asr_partial,
  asr_final,
  dispatched,
  node_accepted,
  nmt_done,
  tts_play_started,
  tts_play_ended,
  error,
  queued,  // extension: every capable node is busy, the job waits for a free slot (old clients ignore ui_event)
};

enum class ui_event_status { ok, error };

std::string_view to_string(error_code v);
std::string_view to_string(ui_event_type v);
std::string_view to_string(ui_event_status v);
bool from_string(std::string_view text, error_code& out);
bool from_string(std::string_view text, ui_event_type& out);
bool from_string(std::string_view text, ui_event_status& out);

// The user-facing hint for `ui_event.hint`: a specific text for the codes the original has one for, otherwise
// generic_hint.
std::string_view hint(error_code code);
inline constexpr std::string_view generic_hint = "发生错误，请稍后重试。";

// Which `ui_event.error_code` a failed job gets from its node `error.code`: the codes NO_AVAILABLE_NODE,
// MODEL_NOT_AVAILABLE, WS_DISCONNECTED, NMT_TIMEOUT, TTS_TIMEOUT, MODEL_VERIFY_FAILED and MODEL_CORRUPTED map to
// themselves; anything else (PROCESSING_ERROR, …) to no error_code.
std::optional<error_code> ui_error_code_for_node_code(std::string_view node_code);

}  // namespace lingua::protocol
