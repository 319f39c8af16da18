#include "protocol/node_messages.hpp"

#include <tuple>
#include <utility>

#include "protocol/input_bounds.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/shared_schema.hpp"

namespace lingua::protocol {
namespace detail {

// ---- Node → Scheduler schemas --------------------------------------------------------------------------------------

template <>
struct schema<node_register> {
  using t = node_register;
  static constexpr std::string_view type = "node_register";
  static constexpr auto fields = std::tuple{
      field("node_id", &t::node_id),
      field("version", &t::version),
      field("capability_schema_version", &t::capability_schema_version),
      field("platform", &t::platform),
      field("hardware", &t::hardware),
      field("installed_models", &t::installed_models),
      field("installed_services", &t::installed_services),
      field("capability_by_type", &t::capability_by_type),
      defaulted_field("features_supported", &t::features_supported),  // absent from some agents' registers
      field("advanced_features", &t::advanced_features),
      field("accept_public_jobs", &t::accept_public_jobs),
      field("language_capabilities", &t::language_capabilities),
      field("max_concurrent_jobs", &t::max_concurrent_jobs)};
};

template <>
struct schema<node_heartbeat> {
  using t = node_heartbeat;
  static constexpr std::string_view type = "node_heartbeat";
  static constexpr auto fields = std::tuple{
      field("node_id", &t::node_id),
      field("timestamp", &t::timestamp),
      field("resource_usage", &t::resource_usage),
      field("installed_models", &t::installed_models),
      field("installed_services", &t::installed_services),
      field("capability_by_type", &t::capability_by_type),
      field("rerun_metrics", &t::rerun_metrics),
      field("asr_metrics", &t::asr_metrics),
      field("processing_metrics", &t::processing_metrics),
      field("language_capabilities", &t::language_capabilities),
      field("max_concurrent_jobs", &t::max_concurrent_jobs),
      field("status", &t::status)};
};

template <>
struct schema<job_ack> {
  using t = job_ack;
  static constexpr std::string_view type = "job_ack";
  static constexpr auto fields =
      std::tuple{field("job_id", &t::job_id), field("attempt_id", &t::attempt_id), field("node_id", &t::node_id),
                 field("session_id", &t::session_id), field("trace_id", &t::trace_id)};
};

template <>
struct schema<job_started> {
  using t = job_started;
  static constexpr std::string_view type = "job_started";
  static constexpr auto fields =
      std::tuple{field("job_id", &t::job_id), field("attempt_id", &t::attempt_id), field("node_id", &t::node_id),
                 field("session_id", &t::session_id), field("trace_id", &t::trace_id)};
};

template <>
struct schema<node_asr_partial> {
  using t = node_asr_partial;
  static constexpr std::string_view type = "asr_partial";
  static constexpr auto fields =
      std::tuple{field("job_id", &t::job_id),     field("node_id", &t::node_id),
                 field("session_id", &t::session_id), field("utterance_index", &t::utterance_index),
                 field("text", &t::text),         field("is_final", &t::is_final),
                 field("trace_id", &t::trace_id)};
};

template <>
struct schema<job_error> {
  using t = job_error;
  static constexpr auto fields =
      std::tuple{field("code", &t::code), field("message", &t::message), field("details", &t::details)};
};

template <>
struct schema<job_result> {
  using t = job_result;
  static constexpr std::string_view type = "job_result";
  static constexpr auto fields = std::tuple{
      field("job_id", &t::job_id),
      field("attempt_id", &t::attempt_id),
      field("node_id", &t::node_id),
      field("session_id", &t::session_id),
      field("utterance_index", &t::utterance_index),
      field("success", &t::success),
      field("text_asr", &t::text_asr),
      field("text_translated", &t::text_translated),
      field("tts_audio", &t::tts_audio),
      field("tts_format", &t::tts_format),
      field("extra", &t::extra),
      field("processing_time_ms", &t::processing_time_ms),
      field("error", &t::error),
      field("trace_id", &t::trace_id),
      field("group_id", &t::group_id),
      field("part_index", &t::part_index),
      field("node_completed_at_ms", &t::node_completed_at_ms),
      field("asr_quality_level", &t::asr_quality_level),
      field("reason_codes", &t::reason_codes),
      field("quality_score", &t::quality_score),
      field("rerun_count", &t::rerun_count),
      field("segments_meta", &t::segments_meta)};
};

template <>
struct schema<node_error> {
  using t = node_error;
  static constexpr std::string_view type = "node_error";
  static constexpr auto fields = std::tuple{field("node_id", &t::node_id), field("code", &t::code),
                                            field("message", &t::message), field("details", &t::details)};
};

// ---- Scheduler → Node schemas --------------------------------------------------------------------------------------

template <>
struct schema<node_register_ack> {
  using t = node_register_ack;
  static constexpr std::string_view type = "node_register_ack";
  static constexpr auto fields =
      std::tuple{field("node_id", &t::node_id), field("message", &t::message), field("status", &t::status)};
};

template <>
struct schema<job_assign> {
  using t = job_assign;
  static constexpr std::string_view type = "job_assign";
  static constexpr auto fields = std::tuple{
      field("job_id", &t::job_id),
      field("attempt_id", &t::attempt_id),
      field("session_id", &t::session_id),
      field("utterance_index", &t::utterance_index),
      field("src_lang", &t::src_lang),
      field("tgt_lang", &t::tgt_lang),
      field("dialect", &t::dialect),
      field("features", &t::features),
      field("pipeline", &t::pipeline),
      field("audio", &t::audio),
      field("audio_format", &t::audio_format),
      field("sample_rate", &t::sample_rate),
      field("mode", &t::mode),
      field("lang_a", &t::lang_a),
      field("lang_b", &t::lang_b),
      field("auto_langs", &t::auto_langs),
      field("enable_streaming_asr", &t::enable_streaming_asr),
      field("partial_update_interval_ms", &t::partial_update_interval_ms),
      field("trace_id", &t::trace_id),
      field("group_id", &t::group_id),
      field("part_index", &t::part_index),
      field("context_text", &t::context_text),
      field("padding_ms", &t::padding_ms),
      flag_field("is_manual_cut", &t::is_manual_cut),
      flag_field("is_timeout_triggered", &t::is_timeout_triggered),
      flag_field("is_max_duration_triggered", &t::is_max_duration_triggered),
      field("turn_id", &t::turn_id)};
};

template <>
struct schema<job_cancel> {
  using t = job_cancel;
  static constexpr std::string_view type = "job_cancel";
  static constexpr auto fields =
      std::tuple{field("job_id", &t::job_id), field("trace_id", &t::trace_id), field("reason", &t::reason)};
};

template <>
struct schema<node_control> {
  using t = node_control;
  static constexpr std::string_view type = "node_control";
  static constexpr auto fields = std::tuple{field("command", &t::command), field("reason", &t::reason)};
};

}  // namespace detail

namespace {

// `lenient_enums`: unknown enum values drop the array entry holding them (see read_context) instead of the frame;
// the dropped entries are reported in the register's / heartbeat's `ignored_entries`.
template <class Variant>
parse_result<Variant> parse_known(nlohmann::json& object, const std::string& type, bool& known,
                                  bool lenient_enums = false) {
  detail::read_context ctx;
  ctx.lenient_enums = lenient_enums;
  Variant message;
  known = detail::read_alternative(object, type, message, ctx);
  if (!known) return parse_error{"unknown message type `" + type + "` in field `type`"};
  if (ctx.failed()) return ctx.take_error();
  if (ctx.skip_entry) return parse_error{ctx.ignored.empty() ? std::string("unknown enum value") : ctx.ignored.back()};
  if (!ctx.ignored.empty()) {
    std::visit(
        [&](auto& m) {
          if constexpr (requires { m.ignored_entries; }) m.ignored_entries = std::move(ctx.ignored);
        },
        message);
  }
  return message;
}

}  // namespace

parse_result<node_inbound> parse_node_message(std::string_view text, const input_limits& limits) {
  std::string type;
  auto document = detail::parse_object(text, type, limits.max_json_depth);
  if (!document) return document.error();
  bool known = false;
  auto inbound = parse_known<node_inbound>(*document, type, known, true);
  if (known && inbound) {
    if (auto broken = check_bounds(inbound.value(), limits)) return std::move(*broken);
  }
  if (known) return inbound;
  auto outbound = parse_known<node_outbound>(*document, type, known);
  if (!outbound) return outbound.error();
  return node_inbound{node_unhandled{std::move(type)}};
}

parse_result<node_outbound> parse_node_outbound(std::string_view text) {
  std::string type;
  auto document = detail::parse_object(text, type, max_configurable_json_depth);
  if (!document) return document.error();
  bool known = false;
  return parse_known<node_outbound>(*document, type, known);
}

std::string to_json(const node_outbound& message) {
  return std::visit([](const auto& m) { return detail::write_message(m); }, message);
}

std::string to_json(const node_inbound& message) {
  return std::visit(
      [](const auto& m) {
        if constexpr (std::is_same_v<std::decay_t<decltype(m)>, node_unhandled>) {
          return detail::write_type_only(m.type);
        } else {
          return detail::write_message(m);
        }
      },
      message);
}

std::string stream_session_id(std::string_view session_id, std::string_view target_lang) {
  return std::string(session_id) + "/" + std::string(target_lang);
}

std::string speaker_session_of(std::string_view node_session_id) {
  return std::string(node_session_id.substr(0, node_session_id.find('/')));
}

std::string to_json(const node_register& m) { return detail::write_message(m); }
std::string to_json(const node_heartbeat& m) { return detail::write_message(m); }
std::string to_json(const job_ack& m) { return detail::write_message(m); }
std::string to_json(const job_started& m) { return detail::write_message(m); }
std::string to_json(const node_asr_partial& m) { return detail::write_message(m); }
std::string to_json(const job_result& m) { return detail::write_message(m); }
std::string to_json(const node_error& m) { return detail::write_message(m); }
std::string to_json(const node_register_ack& m) { return detail::write_message(m); }
std::string to_json(const job_assign& m) { return detail::write_message(m); }
std::string to_json(const job_cancel& m) { return detail::write_message(m); }
std::string to_json(const node_control& m) { return detail::write_message(m); }

}  // namespace lingua::protocol
