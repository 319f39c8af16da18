#pragma once
// Shared value types of the WebSocket protocol (reference §1.2). Field names are the wire names; a std::optional
// member is a field that may be absent (omitted on output, `null` or missing on input). Wire floats (`f32` in the
// original) are held as double so that a value read from JSON is written back with the same digits.
// Every member has a default member initializer, so a designated initializer may name only the fields it sets.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lingua::protocol {

enum class service_type { asr, nmt, tts, tone, semantic, phonetic, punctuation };
enum class device_type { gpu, cpu };
enum class service_status { running, stopped, error };
enum class node_status { registering, ready, degraded, draining, offline };
// Rule of an NMT model's language coverage (electron node's `NmtCapability.rule`).
enum class nmt_rule { any_to_any, any_to_en, en_to_any, specific_pairs };

// Wire spelling of each enum value; from_string accepts exactly that spelling and leaves `out` untouched otherwise.
std::string_view to_string(service_type v);
std::string_view to_string(device_type v);
std::string_view to_string(service_status v);
std::string_view to_string(node_status v);
std::string_view to_string(nmt_rule v);
bool from_string(std::string_view text, service_type& out);
bool from_string(std::string_view text, device_type& out);
bool from_string(std::string_view text, service_status& out);
bool from_string(std::string_view text, node_status& out);
bool from_string(std::string_view text, nmt_rule& out);

struct feature_flags {
  std::optional<bool> emotion_detection{};
  std::optional<bool> voice_style_detection{};
  std::optional<bool> speech_rate_detection{};
  std::optional<bool> speech_rate_control{};
  std::optional<bool> speaker_identification{};
  std::optional<bool> persona_adaptation{};
  bool operator==(const feature_flags&) const = default;
};

// Scheduler form: all five keys are always written. On input use_asr/use_nmt/use_tts are required, use_semantic and
// use_tone default to false. The defaults below are the scheduler's default pipeline.
struct pipeline_config {
  bool use_asr = true;
  bool use_nmt = true;
  bool use_tts = true;
  bool use_semantic = false;
  bool use_tone = false;
  bool operator==(const pipeline_config&) const = default;
};

struct installed_model {
  std::string model_id{};
  std::string kind{};  // "asr" | "nmt" | "tts" | "vad" | "emotion" | "other" (not validated)
  std::optional<std::string> src_lang{};
  std::optional<std::string> tgt_lang{};
  std::optional<std::string> dialect{};
  std::string version{};
  std::optional<bool> enabled{};
  bool operator==(const installed_model&) const = default;
};

struct installed_service {
  std::string service_id{};
  service_type type = service_type::asr;
  device_type device = device_type::gpu;
  service_status status = service_status::running;
  std::optional<std::string> version{};
  std::optional<std::string> model_id{};
  std::optional<std::string> engine{};
  std::optional<std::uint32_t> mem_mb{};
  std::optional<std::uint32_t> warmup_ms{};
  std::optional<std::string> last_error{};
  bool operator==(const installed_service&) const = default;
};

// The electron node's extra `devices` array is not modelled (ignored on input).
struct capability_by_type {
  service_type type = service_type::asr;
  bool ready = false;
  std::optional<std::string> reason{};
  std::optional<std::vector<std::string>> ready_impl_ids{};
  bool operator==(const capability_by_type&) const = default;
};

struct language_pair {
  std::string src{};
  std::string tgt{};
  bool operator==(const language_pair&) const = default;
};

// Our extension, modelled on the electron node's `NmtCapability` (old schedulers ignore it).
struct nmt_capability {
  std::string model_id{};
  std::vector<std::string> languages{};
  nmt_rule rule = nmt_rule::any_to_any;
  std::optional<std::vector<language_pair>> blocked_pairs{};
  std::optional<std::vector<language_pair>> supported_pairs{};
  bool operator==(const nmt_capability&) const = default;
};

struct node_language_capabilities {
  std::optional<std::vector<std::string>> asr_languages{};
  std::optional<std::vector<std::string>> tts_languages{};
  std::optional<std::vector<std::string>> semantic_languages{};
  std::optional<bool> semantic_core_ready{};
  std::optional<std::vector<nmt_capability>> nmt_capabilities{};  // extension
  bool operator==(const node_language_capabilities&) const = default;
};

struct gpu_info {
  std::string name{};
  std::uint32_t memory_gb = 0;
  bool operator==(const gpu_info&) const = default;
};

struct hardware_info {
  std::uint32_t cpu_cores = 0;
  std::uint32_t memory_gb = 0;
  std::optional<std::vector<gpu_info>> gpus{};
  bool operator==(const hardware_info&) const = default;
};

// The electron node's extra `gpu_queue_length` is not modelled (ignored on input, as in the original).
struct resource_usage {
  double cpu_percent = 0;
  std::optional<double> gpu_percent{};
  std::optional<double> gpu_mem_percent{};
  double mem_percent = 0;
  std::uint64_t running_jobs = 0;
  std::optional<std::uint64_t> gpu_queue_length{};  // the Lingua node agent's GPU FIFO: jobs waiting in it
  bool operator==(const resource_usage&) const = default;
};

struct service_timings {
  std::optional<std::uint64_t> asr_ms{};
  std::optional<std::uint64_t> nmt_ms{};
  std::optional<std::uint64_t> tts_ms{};
  std::optional<std::uint64_t> total_ms{};
  bool operator==(const service_timings&) const = default;
};

// Unsigned as in the original: a producer computing a difference must clamp it at zero.
struct network_timings {
  std::optional<std::uint64_t> web_to_scheduler_ms{};
  std::optional<std::uint64_t> scheduler_to_node_ms{};
  std::optional<std::uint64_t> node_to_scheduler_ms{};
  std::optional<std::uint64_t> scheduler_to_web_ms{};
  bool operator==(const network_timings&) const = default;
};

// Only these keys survive node → scheduler → client; any other key a node puts into `extra` is dropped on parse.
struct extra_result {
  std::optional<std::string> emotion{};
  std::optional<double> speech_rate{};
  std::optional<std::string> voice_style{};
  std::optional<protocol::service_timings> service_timings{};
  std::optional<double> language_probability{};
  std::optional<std::map<std::string, double>> language_probabilities{};
  std::optional<std::string> reason{};  // e.g. "NO_TEXT_ASSIGNED", "ASR_EMPTY"
  bool operator==(const extra_result&) const = default;
};

struct segments_meta {
  std::uint32_t count = 0;
  double max_gap = 0;       // seconds
  double avg_duration = 0;  // seconds
  bool operator==(const segments_meta&) const = default;
};

// `{"type":"error", code, message, details?}` — the same shape on both endpoints and in both directions. `code` is a
// string because node-originated codes (e.g. PROCESSING_ERROR) are relayed verbatim.
struct error_message {
  std::string code{};
  std::string message{};
  std::optional<nlohmann::json> details{};  // opaque
  bool operator==(const error_message&) const = default;
};

}  // namespace lingua::protocol
