#pragma once
// Internal to src/protocol: field lists of the shared types (types.hpp), in wire order.
#include <string_view>
#include <tuple>

#include "protocol/json_codec.hpp"
#include "protocol/types.hpp"

namespace lingua::protocol::detail {

template <>
struct schema<feature_flags> {
  using t = feature_flags;
  static constexpr auto fields = std::tuple{field("emotion_detection", &t::emotion_detection),
                                            field("voice_style_detection", &t::voice_style_detection),
                                            field("speech_rate_detection", &t::speech_rate_detection),
                                            field("speech_rate_control", &t::speech_rate_control),
                                            field("speaker_identification", &t::speaker_identification),
                                            field("persona_adaptation", &t::persona_adaptation)};
};

template <>
struct schema<pipeline_config> {
  using t = pipeline_config;
  static constexpr auto fields =
      std::tuple{field("use_asr", &t::use_asr), field("use_nmt", &t::use_nmt), field("use_tts", &t::use_tts),
                 defaulted_field("use_semantic", &t::use_semantic), defaulted_field("use_tone", &t::use_tone)};
};

template <>
struct schema<installed_model> {
  using t = installed_model;
  static constexpr auto fields =
      std::tuple{field("model_id", &t::model_id), field("kind", &t::kind),       field("src_lang", &t::src_lang),
                 field("tgt_lang", &t::tgt_lang), field("dialect", &t::dialect), field("version", &t::version),
                 field("enabled", &t::enabled)};
};

template <>
struct schema<installed_service> {
  using t = installed_service;
  static constexpr auto fields =
      std::tuple{field("service_id", &t::service_id), field("type", &t::type),       field("device", &t::device),
                 field("status", &t::status),         field("version", &t::version), field("model_id", &t::model_id),
                 field("engine", &t::engine),         field("mem_mb", &t::mem_mb),   field("warmup_ms", &t::warmup_ms),
                 field("last_error", &t::last_error)};
};

template <>
struct schema<capability_by_type> {
  using t = capability_by_type;
  static constexpr auto fields = std::tuple{field("type", &t::type), field("ready", &t::ready),
                                            field("reason", &t::reason), field("ready_impl_ids", &t::ready_impl_ids)};
};

template <>
struct schema<language_pair> {
  using t = language_pair;
  static constexpr auto fields = std::tuple{field("src", &t::src), field("tgt", &t::tgt)};
};

template <>
struct schema<nmt_capability> {
  using t = nmt_capability;
  static constexpr auto fields =
      std::tuple{field("model_id", &t::model_id), field("languages", &t::languages), field("rule", &t::rule),
                 field("blocked_pairs", &t::blocked_pairs), field("supported_pairs", &t::supported_pairs)};
};

template <>
struct schema<node_language_capabilities> {
  using t = node_language_capabilities;
  static constexpr auto fields = std::tuple{
      field("asr_languages", &t::asr_languages), field("tts_languages", &t::tts_languages),
      field("semantic_languages", &t::semantic_languages), field("semantic_core_ready", &t::semantic_core_ready),
      field("nmt_capabilities", &t::nmt_capabilities)};
};

template <>
struct schema<gpu_info> {
  using t = gpu_info;
  static constexpr auto fields = std::tuple{field("name", &t::name), field("memory_gb", &t::memory_gb)};
};

template <>
struct schema<hardware_info> {
  using t = hardware_info;
  static constexpr auto fields =
      std::tuple{field("cpu_cores", &t::cpu_cores), field("memory_gb", &t::memory_gb), field("gpus", &t::gpus)};
};

template <>
struct schema<resource_usage> {
  using t = resource_usage;
  static constexpr auto fields =
      std::tuple{field("cpu_percent", &t::cpu_percent), field("gpu_percent", &t::gpu_percent),
                 field("gpu_mem_percent", &t::gpu_mem_percent), field("mem_percent", &t::mem_percent),
                 field("running_jobs", &t::running_jobs), field("gpu_queue_length", &t::gpu_queue_length)};
};

template <>
struct schema<service_timings> {
  using t = service_timings;
  static constexpr auto fields = std::tuple{field("asr_ms", &t::asr_ms), field("nmt_ms", &t::nmt_ms),
                                            field("tts_ms", &t::tts_ms), field("total_ms", &t::total_ms)};
};

template <>
struct schema<network_timings> {
  using t = network_timings;
  static constexpr auto fields =
      std::tuple{field("web_to_scheduler_ms", &t::web_to_scheduler_ms),
                 field("scheduler_to_node_ms", &t::scheduler_to_node_ms),
                 field("node_to_scheduler_ms", &t::node_to_scheduler_ms),
                 field("scheduler_to_web_ms", &t::scheduler_to_web_ms)};
};

template <>
struct schema<extra_result> {
  using t = extra_result;
  static constexpr auto fields = std::tuple{
      field("emotion", &t::emotion),
      field("speech_rate", &t::speech_rate),
      field("voice_style", &t::voice_style),
      field("service_timings", &t::service_timings),
      field("language_probability", &t::language_probability),
      field("language_probabilities", &t::language_probabilities),
      field("reason", &t::reason)};
};

template <>
struct schema<segments_meta> {
  using t = segments_meta;
  static constexpr auto fields = std::tuple{field("count", &t::count), field("max_gap", &t::max_gap),
                                            field("avg_duration", &t::avg_duration)};
};

template <>
struct schema<error_message> {
  using t = error_message;
  static constexpr std::string_view type = "error";
  static constexpr auto fields =
      std::tuple{field("code", &t::code), field("message", &t::message), field("details", &t::details)};
};

}  // namespace lingua::protocol::detail
