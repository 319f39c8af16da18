#pragma once
// Messages of the node endpoint `/ws/node` (reference §1.5 inbound, §1.6 outbound). Each struct is one `type`; the
// struct name is the wire tag except node_asr_partial ("asr_partial"), error_message ("error", types.hpp) and
// node_unhandled.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/input_limits.hpp"
#include "protocol/parse_result.hpp"
#include "protocol/types.hpp"

namespace lingua::protocol {

// ---- Node → Scheduler ----------------------------------------------------------------------------------------------

struct node_register {
  std::optional<std::string> node_id{};  // previous id on reconnect, else absent/null
  std::string version{};
  std::optional<std::string> capability_schema_version{};  // "2.0" (not validated)
  std::string platform{};                                  // "windows" | "linux" | "macos" (not validated)
  hardware_info hardware{};
  std::vector<installed_model> installed_models{};
  std::optional<std::vector<installed_service>> installed_services{};
  std::vector<protocol::capability_by_type> capability_by_type{};
  feature_flags features_supported{};
  std::optional<std::vector<std::string>> advanced_features{};
  bool accept_public_jobs = false;
  std::optional<node_language_capabilities> language_capabilities{};
  std::optional<std::uint32_t> max_concurrent_jobs{};  // extension
  // Not on the wire: entries the parser dropped because of an unknown enum value ("unknown value `lexicon` for
  // field `installed_services[3].type`"), for the log. The rest of the registration stands.
  std::vector<std::string> ignored_entries{};
  bool operator==(const node_register&) const = default;
};

// Metrics objects keep the node's camelCase keys and are carried opaquely.
struct node_heartbeat {
  std::string node_id{};
  std::int64_t timestamp = 0;
  protocol::resource_usage resource_usage{};
  std::optional<std::vector<installed_model>> installed_models{};
  std::vector<installed_service> installed_services{};
  std::vector<protocol::capability_by_type> capability_by_type{};
  std::optional<nlohmann::json> rerun_metrics{};       // RerunMetrics
  std::optional<nlohmann::json> asr_metrics{};         // ASRMetrics (deprecated)
  std::optional<nlohmann::json> processing_metrics{};  // ProcessingMetrics
  std::optional<node_language_capabilities> language_capabilities{};
  std::optional<std::uint32_t> max_concurrent_jobs{};  // extension
  std::optional<node_status> status{};                 // extension; an unknown value counts as absent
  std::vector<std::string> ignored_entries{};          // not on the wire: see node_register
  bool operator==(const node_heartbeat&) const = default;
};

struct job_ack {
  std::string job_id{};
  std::uint32_t attempt_id = 0;
  std::string node_id{};
  std::string session_id{};
  std::string trace_id{};
  bool operator==(const job_ack&) const = default;
};

struct job_started {
  std::string job_id{};
  std::uint32_t attempt_id = 0;
  std::string node_id{};
  std::string session_id{};
  std::string trace_id{};
  bool operator==(const job_started&) const = default;
};

// Wire type "asr_partial" on the node endpoint.
struct node_asr_partial {
  std::string job_id{};
  std::string node_id{};
  std::string session_id{};
  std::uint64_t utterance_index = 0;
  std::string text{};
  bool is_final = false;
  std::string trace_id{};
  bool operator==(const node_asr_partial&) const = default;
};

struct job_error {
  std::string code{};  // e.g. PROCESSING_ERROR, MODEL_NOT_AVAILABLE (details: service_id, service_version, reason)
  std::string message{};
  std::optional<nlohmann::json> details{};
  bool operator==(const job_error&) const = default;
};

struct job_result {
  std::string job_id{};
  std::uint32_t attempt_id = 0;
  std::string node_id{};
  std::string session_id{};
  std::uint64_t utterance_index = 0;
  bool success = false;
  std::optional<std::string> text_asr{};
  std::optional<std::string> text_translated{};
  std::optional<std::string> tts_audio{};  // base64
  std::optional<std::string> tts_format{};
  std::optional<extra_result> extra{};
  std::optional<std::uint64_t> processing_time_ms{};
  std::optional<job_error> error{};
  std::string trace_id{};
  std::optional<std::string> group_id{};
  std::optional<std::uint64_t> part_index{};
  std::optional<std::int64_t> node_completed_at_ms{};
  std::optional<std::string> asr_quality_level{};
  std::optional<std::vector<std::string>> reason_codes{};
  std::optional<double> quality_score{};
  std::optional<std::uint32_t> rerun_count{};
  std::optional<protocol::segments_meta> segments_meta{};
  bool operator==(const job_result&) const = default;
};

struct node_error {
  std::string node_id{};
  std::string code{};
  std::string message{};
  std::optional<nlohmann::json> details{};
  bool operator==(const node_error&) const = default;
};

// A well-formed scheduler→node type arriving from a node (node_register_ack, job_assign, job_cancel, node_control):
// the original parses it and logs "unhandled".
struct node_unhandled {
  std::string type{};
  bool operator==(const node_unhandled&) const = default;
};

using node_inbound = std::variant<node_register, node_heartbeat, job_ack, job_started, node_asr_partial, job_result,
                                  node_error, error_message, node_unhandled>;

// ---- Scheduler → Node ----------------------------------------------------------------------------------------------

struct node_register_ack {
  std::string node_id{};
  std::string message = "Node registered successfully";
  node_status status = node_status::registering;
  bool operator==(const node_register_ack&) const = default;
};

// `pipeline` is always written with all five keys; the three finalize flags only when true.
struct job_assign {
  std::string job_id{};
  std::uint32_t attempt_id = 1;
  std::string session_id{};
  std::uint64_t utterance_index = 0;
  std::string src_lang{};  // may be "auto"
  std::string tgt_lang{};
  std::optional<std::string> dialect{};
  std::optional<feature_flags> features{};
  pipeline_config pipeline{};
  std::string audio{};  // base64
  std::string audio_format{};
  std::uint32_t sample_rate = 16000;
  std::optional<std::string> mode{};
  std::optional<std::string> lang_a{};
  std::optional<std::string> lang_b{};
  std::optional<std::vector<std::string>> auto_langs{};
  std::optional<bool> enable_streaming_asr{};
  std::optional<std::uint64_t> partial_update_interval_ms{};
  std::string trace_id{};
  std::optional<std::string> group_id{};
  std::optional<std::uint64_t> part_index{};
  std::optional<std::string> context_text{};
  std::optional<std::uint64_t> padding_ms{};
  bool is_manual_cut = false;
  bool is_timeout_triggered = false;
  bool is_max_duration_triggered = false;
  std::optional<std::string> turn_id{};
  bool operator==(const job_assign&) const = default;
};

struct job_cancel {
  std::string job_id{};
  std::optional<std::string> trace_id{};
  std::optional<std::string> reason{};  // "job_timeout"
  bool operator==(const job_cancel&) const = default;
};

struct node_control {
  std::string command{};  // "shutdown" | "reload_config" | …
  std::optional<std::string> reason{};
  bool operator==(const node_control&) const = default;
};

using node_outbound = std::variant<node_register_ack, job_assign, job_cancel, error_message, node_control>;

// ---- Translation streams ------------------------------------------------------------------------------------------

// A room utterance becomes one job per listener language, all with the same utterance_index. Node agents accept one
// job per (session_id, utterance_index) and keep text context per session_id, so each language stream is named
// towards nodes as its own session: "<session>/<language>" (session ids and language tags never contain '/').
std::string stream_session_id(std::string_view session_id, std::string_view target_lang);
// The scheduler's session behind a session_id seen on the node side: the part before the first '/'.
std::string speaker_session_of(std::string_view node_session_id);

// ---- Parsing and serialising ---------------------------------------------------------------------------------------

// What the scheduler reads from a node socket; same rules and error texts as parse_session_message. (The node
// endpoint answers error{INVALID_MESSAGE} and drops the frame.) `limits` as for parse_session_message.
parse_result<node_inbound> parse_node_message(std::string_view text, const input_limits& limits = {});
// What a node reads from the scheduler (mock nodes, tests).
parse_result<node_outbound> parse_node_outbound(std::string_view text);

std::string to_json(const node_outbound& message);
std::string to_json(const node_inbound& message);  // node_unhandled → {"type":…}

std::string to_json(const node_register& m);
std::string to_json(const node_heartbeat& m);
std::string to_json(const job_ack& m);
std::string to_json(const job_started& m);
std::string to_json(const node_asr_partial& m);
std::string to_json(const job_result& m);
std::string to_json(const node_error& m);
std::string to_json(const error_message& m);  // defined with the session messages
std::string to_json(const node_register_ack& m);
std::string to_json(const job_assign& m);
std::string to_json(const job_cancel& m);
std::string to_json(const node_control& m);

}  // namespace lingua::protocol
