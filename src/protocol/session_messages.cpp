#include "protocol/session_messages.hpp"

#include <array>
#include <tuple>
#include <utility>

#include "protocol/enum_names.hpp"
#include "protocol/input_bounds.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/shared_schema.hpp"

namespace lingua::protocol {
namespace detail {

// ---- Session → Scheduler schemas -----------------------------------------------------------------------------------

template <>
struct schema<session_init> {
  using t = session_init;
  static constexpr std::string_view type = "session_init";
  static constexpr auto fields = std::tuple{
      field("client_version", &t::client_version),
      field("platform", &t::platform),
      field("src_lang", &t::src_lang),
      field("tgt_lang", &t::tgt_lang),
      field("dialect", &t::dialect),
      field("features", &t::features),
      field("pairing_code", &t::pairing_code),
      field("tenant_id", &t::tenant_id),
      field("mode", &t::mode),
      field("lang_a", &t::lang_a),
      field("lang_b", &t::lang_b),
      field("auto_langs", &t::auto_langs),
      field("enable_streaming_asr", &t::enable_streaming_asr),
      field("partial_update_interval_ms", &t::partial_update_interval_ms),
      field("trace_id", &t::trace_id)};
};

template <>
struct schema<audio_chunk> {
  using t = audio_chunk;
  static constexpr std::string_view type = "audio_chunk";
  static constexpr auto fields =
      std::tuple{field("session_id", &t::session_id), field("seq", &t::seq), field("is_final", &t::is_final),
                 field("payload", &t::payload), field("client_timestamp_ms", &t::client_timestamp_ms)};
};

template <>
struct schema<utterance> {
  using t = utterance;
  static constexpr std::string_view type = "utterance";
  static constexpr auto fields = std::tuple{
      field("session_id", &t::session_id),
      field("utterance_index", &t::utterance_index),
      field("manual_cut", &t::manual_cut),
      field("src_lang", &t::src_lang),
      field("tgt_lang", &t::tgt_lang),
      field("dialect", &t::dialect),
      field("features", &t::features),
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
      field("pipeline", &t::pipeline)};
};

template <>
struct schema<client_heartbeat> {
  using t = client_heartbeat;
  static constexpr std::string_view type = "client_heartbeat";
  static constexpr auto fields = std::tuple{field("session_id", &t::session_id), field("timestamp", &t::timestamp)};
};

template <>
struct schema<tts_started> {
  using t = tts_started;
  static constexpr std::string_view type = "tts_started";
  static constexpr auto fields = std::tuple{field("session_id", &t::session_id), field("trace_id", &t::trace_id),
                                            field("group_id", &t::group_id), field("ts_start_ms", &t::ts_start_ms)};
};

template <>
struct schema<tts_play_ended> {
  using t = tts_play_ended;
  static constexpr std::string_view type = "tts_play_ended";
  static constexpr auto fields = std::tuple{field("session_id", &t::session_id), field("trace_id", &t::trace_id),
                                            field("group_id", &t::group_id), field("ts_end_ms", &t::ts_end_ms)};
};

template <>
struct schema<session_close> {
  using t = session_close;
  static constexpr std::string_view type = "session_close";
  static constexpr auto fields = std::tuple{field("session_id", &t::session_id), field("reason", &t::reason)};
};

template <>
struct schema<room_create> {
  using t = room_create;
  static constexpr std::string_view type = "room_create";
  static constexpr auto fields = std::tuple{field("client_ts", &t::client_ts), field("display_name", &t::display_name),
                                            field("preferred_lang", &t::preferred_lang)};
};

template <>
struct schema<room_join> {
  using t = room_join;
  static constexpr std::string_view type = "room_join";
  static constexpr auto fields = std::tuple{field("room_code", &t::room_code), field("display_name", &t::display_name),
                                            field("preferred_lang", &t::preferred_lang)};
};

template <>
struct schema<room_leave> {
  using t = room_leave;
  static constexpr std::string_view type = "room_leave";
  static constexpr auto fields = std::tuple{field("room_code", &t::room_code)};
};

template <>
struct schema<room_raw_voice_preference> {
  using t = room_raw_voice_preference;
  static constexpr std::string_view type = "room_raw_voice_preference";
  static constexpr auto fields =
      std::tuple{field("room_code", &t::room_code), field("target_session_id", &t::target_session_id),
                 field("receive_raw_voice", &t::receive_raw_voice)};
};

// sdp / candidate are required but may be JSON null (the original's serde_json::Value accepts null).
template <>
struct schema<webrtc_offer> {
  using t = webrtc_offer;
  static constexpr std::string_view type = "webrtc_offer";
  static constexpr auto fields =
      std::tuple{field("room_code", &t::room_code), field("to", &t::to), nullable_field("sdp", &t::sdp)};
};

template <>
struct schema<webrtc_answer> {
  using t = webrtc_answer;
  static constexpr std::string_view type = "webrtc_answer";
  static constexpr auto fields =
      std::tuple{field("room_code", &t::room_code), field("to", &t::to), nullable_field("sdp", &t::sdp)};
};

template <>
struct schema<webrtc_ice> {
  using t = webrtc_ice;
  static constexpr std::string_view type = "webrtc_ice";
  static constexpr auto fields = std::tuple{field("room_code", &t::room_code), field("to", &t::to),
                                            nullable_field("candidate", &t::candidate)};
};

// ---- Scheduler → Session schemas -----------------------------------------------------------------------------------

template <>
struct schema<session_init_ack> {
  using t = session_init_ack;
  static constexpr std::string_view type = "session_init_ack";
  static constexpr auto fields = std::tuple{
      field("session_id", &t::session_id),
      field("assigned_node_id", &t::assigned_node_id),
      field("message", &t::message),
      field("trace_id", &t::trace_id),
      field("protocol_version", &t::protocol_version),
      field("use_binary_frame", &t::use_binary_frame),
      field("negotiated_codec", &t::negotiated_codec),
      field("negotiated_audio_format", &t::negotiated_audio_format),
      field("negotiated_sample_rate", &t::negotiated_sample_rate),
      field("negotiated_channel_count", &t::negotiated_channel_count)};
};

template <>
struct schema<server_heartbeat> {
  using t = server_heartbeat;
  static constexpr std::string_view type = "server_heartbeat";
  static constexpr auto fields = std::tuple{field("session_id", &t::session_id), field("timestamp", &t::timestamp)};
};

template <>
struct schema<asr_partial> {
  using t = asr_partial;
  static constexpr std::string_view type = "asr_partial";
  static constexpr auto fields =
      std::tuple{field("session_id", &t::session_id), field("utterance_index", &t::utterance_index),
                 field("job_id", &t::job_id),         field("text", &t::text),
                 field("is_final", &t::is_final),     field("trace_id", &t::trace_id)};
};

template <>
struct schema<translation_result> {
  using t = translation_result;
  static constexpr std::string_view type = "translation_result";
  static constexpr auto fields = std::tuple{
      field("session_id", &t::session_id),
      field("utterance_index", &t::utterance_index),
      field("job_id", &t::job_id),
      field("text_asr", &t::text_asr),
      field("text_translated", &t::text_translated),
      field("tts_audio", &t::tts_audio),
      field("tts_format", &t::tts_format),
      field("extra", &t::extra),
      field("trace_id", &t::trace_id),
      field("group_id", &t::group_id),
      field("part_index", &t::part_index),
      field("service_timings", &t::service_timings),
      field("network_timings", &t::network_timings),
      field("scheduler_sent_at_ms", &t::scheduler_sent_at_ms),
      field("asr_quality_level", &t::asr_quality_level),
      field("reason_codes", &t::reason_codes),
      field("quality_score", &t::quality_score),
      field("rerun_count", &t::rerun_count),
      field("segments_meta", &t::segments_meta)};
};

template <>
struct schema<missing_result> {
  using t = missing_result;
  static constexpr std::string_view type = "missing_result";
  static constexpr auto fields =
      std::tuple{field("session_id", &t::session_id), field("utterance_index", &t::utterance_index),
                 field("reason", &t::reason), field("created_at_ms", &t::created_at_ms),
                 field("trace_id", &t::trace_id)};
};

template <>
struct schema<ui_event> {
  using t = ui_event;
  static constexpr std::string_view type = "ui_event";
  static constexpr auto fields =
      std::tuple{field("trace_id", &t::trace_id),   field("session_id", &t::session_id),
                 field("job_id", &t::job_id),       field("utterance_index", &t::utterance_index),
                 field("event", &t::event),         field("elapsed_ms", &t::elapsed_ms),
                 field("status", &t::status),       field("error_code", &t::error_code),
                 field("hint", &t::hint)};
};

template <>
struct schema<session_close_ack> {
  using t = session_close_ack;
  static constexpr std::string_view type = "session_close_ack";
  static constexpr auto fields = std::tuple{field("session_id", &t::session_id)};
};

template <>
struct schema<room_create_ack> {
  using t = room_create_ack;
  static constexpr std::string_view type = "room_create_ack";
  static constexpr auto fields = std::tuple{field("room_code", &t::room_code), field("room_id", &t::room_id)};
};

template <>
struct schema<room_participant> {
  using t = room_participant;
  static constexpr auto fields =
      std::tuple{field("participant_id", &t::participant_id), field("session_id", &t::session_id),
                 field("display_name", &t::display_name),     field("preferred_lang", &t::preferred_lang),
                 field("raw_voice_preferences", &t::raw_voice_preferences), field("joined_at", &t::joined_at)};
};

template <>
struct schema<room_members> {
  using t = room_members;
  static constexpr std::string_view type = "room_members";
  static constexpr auto fields = std::tuple{field("room_code", &t::room_code), field("members", &t::members)};
};

template <>
struct schema<room_error> {
  using t = room_error;
  static constexpr std::string_view type = "room_error";
  static constexpr auto fields = std::tuple{field("code", &t::code), field("message", &t::message)};
};

template <>
struct schema<room_expired> {
  using t = room_expired;
  static constexpr std::string_view type = "room_expired";
  static constexpr auto fields = std::tuple{field("room_code", &t::room_code), field("message", &t::message)};
};

template <>
struct schema<backpressure> {
  using t = backpressure;
  static constexpr std::string_view type = "backpressure";
  static constexpr auto fields = std::tuple{field("action", &t::action), field("resume_after_ms", &t::resume_after_ms),
                                            field("message", &t::message)};
};

}  // namespace detail

namespace {

// Types the original's session enum knows but never sends; their fields are not modelled, so any object is accepted.
constexpr std::array<std::string_view, 3> legacy_types{"language_detected", "tts_audio", "translation"};

bool is_legacy_type(std::string_view type) {
  for (const auto legacy : legacy_types) {
    if (legacy == type) return true;
  }
  return false;
}

template <class Variant>
parse_result<Variant> parse_known(nlohmann::json& object, const std::string& type, bool& known) {
  detail::read_context ctx;
  Variant message;
  known = detail::read_alternative(object, type, message, ctx);
  if (!known) return parse_error{"unknown message type `" + type + "` in field `type`"};
  if (ctx.failed()) return ctx.take_error();
  return message;
}

}  // namespace

parse_result<session_inbound> parse_session_message(std::string_view text, const input_limits& limits) {
  std::string type;
  auto document = detail::parse_object(text, type, limits.max_json_depth);
  if (!document) return document.error();
  bool known = false;
  auto inbound = parse_known<session_inbound>(*document, type, known);
  if (known && inbound) {
    if (auto broken = check_bounds(inbound.value(), limits)) return std::move(*broken);
  }
  if (known) return inbound;
  if (is_legacy_type(type)) return session_inbound{session_unhandled{std::move(type)}};
  auto outbound = parse_known<session_outbound>(*document, type, known);
  if (!outbound) return outbound.error();
  return session_inbound{session_unhandled{std::move(type)}};
}

parse_result<session_outbound> parse_session_outbound(std::string_view text) {
  std::string type;
  auto document = detail::parse_object(text, type, max_configurable_json_depth);
  if (!document) return document.error();
  bool known = false;
  return parse_known<session_outbound>(*document, type, known);
}

std::string to_json(const session_outbound& message) {
  return std::visit([](const auto& m) { return detail::write_message(m); }, message);
}

std::string to_json(const session_inbound& message) {
  return std::visit(
      [](const auto& m) {
        if constexpr (std::is_same_v<std::decay_t<decltype(m)>, session_unhandled>) {
          return detail::write_type_only(m.type);
        } else {
          return detail::write_message(m);
        }
      },
      message);
}

std::string to_json(const session_init& m) { return detail::write_message(m); }
std::string to_json(const audio_chunk& m) { return detail::write_message(m); }
std::string to_json(const utterance& m) { return detail::write_message(m); }
std::string to_json(const client_heartbeat& m) { return detail::write_message(m); }
std::string to_json(const tts_started& m) { return detail::write_message(m); }
std::string to_json(const tts_play_ended& m) { return detail::write_message(m); }
std::string to_json(const session_close& m) { return detail::write_message(m); }
std::string to_json(const room_create& m) { return detail::write_message(m); }
std::string to_json(const room_join& m) { return detail::write_message(m); }
std::string to_json(const room_leave& m) { return detail::write_message(m); }
std::string to_json(const room_raw_voice_preference& m) { return detail::write_message(m); }
std::string to_json(const webrtc_offer& m) { return detail::write_message(m); }
std::string to_json(const webrtc_answer& m) { return detail::write_message(m); }
std::string to_json(const webrtc_ice& m) { return detail::write_message(m); }
std::string to_json(const session_init_ack& m) { return detail::write_message(m); }
std::string to_json(const server_heartbeat& m) { return detail::write_message(m); }
std::string to_json(const asr_partial& m) { return detail::write_message(m); }
std::string to_json(const translation_result& m) { return detail::write_message(m); }
std::string to_json(const missing_result& m) { return detail::write_message(m); }
std::string to_json(const ui_event& m) { return detail::write_message(m); }
std::string to_json(const error_message& m) { return detail::write_message(m); }
std::string to_json(const session_close_ack& m) { return detail::write_message(m); }
std::string to_json(const room_create_ack& m) { return detail::write_message(m); }
std::string to_json(const room_members& m) { return detail::write_message(m); }
std::string to_json(const room_error& m) { return detail::write_message(m); }
std::string to_json(const room_expired& m) { return detail::write_message(m); }
std::string to_json(const backpressure& m) { return detail::write_message(m); }

std::string_view to_string(backpressure_action v) { return detail::enum_to_string(v); }
bool from_string(std::string_view text, backpressure_action& out) { return detail::enum_from_string(text, out); }

error_message make_invalid_message_error(const parse_error& error) {
  return error_message{"INVALID_MESSAGE", "Invalid message format: " + error.message, std::nullopt};
}

}  // namespace lingua::protocol
