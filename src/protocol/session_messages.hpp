#pragma once
// Messages of the session endpoint `/ws/session` (reference §1.3 inbound, §1.4 outbound). Each struct is one `type`;
// the struct name is the wire tag except error_message ("error", types.hpp) and session_unhandled.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/error_code.hpp"
#include "protocol/input_limits.hpp"
#include "protocol/parse_result.hpp"
#include "protocol/types.hpp"

namespace lingua::protocol {

// ---- Session → Scheduler -------------------------------------------------------------------------------------------

struct session_init {
  std::string client_version{};
  std::string platform{};  // "android" | "ios" | "web" | "api-gateway" (not validated)
  std::string src_lang{};  // "auto" or a language code
  std::string tgt_lang{};
  std::optional<std::string> dialect{};
  std::optional<feature_flags> features{};
  std::optional<std::string> pairing_code{};
  std::optional<std::string> tenant_id{};
  std::optional<std::string> mode{};  // "one_way" | "two_way_auto" (not validated)
  std::optional<std::string> lang_a{};
  std::optional<std::string> lang_b{};
  std::optional<std::vector<std::string>> auto_langs{};
  std::optional<bool> enable_streaming_asr{};
  std::optional<std::uint64_t> partial_update_interval_ms{};
  std::optional<std::string> trace_id{};
  bool operator==(const session_init&) const = default;
};

// `payload` stays base64 text (copied once, straight from the frame text); decode it with base64::decode_append.
struct audio_chunk {
  std::string session_id{};
  std::uint64_t seq = 0;
  bool is_final = false;
  std::optional<std::string> payload{};  // absent or "" = marker without audio
  std::optional<std::int64_t> client_timestamp_ms{};
  bool operator==(const audio_chunk&) const = default;
};

struct utterance {
  std::string session_id{};
  std::uint64_t utterance_index = 0;
  bool manual_cut = false;
  std::string src_lang{};
  std::string tgt_lang{};
  std::optional<std::string> dialect{};
  std::optional<feature_flags> features{};
  std::string audio{};  // base64
  std::string audio_format{};
  std::uint32_t sample_rate = 0;
  std::optional<std::string> mode{};
  std::optional<std::string> lang_a{};
  std::optional<std::string> lang_b{};
  std::optional<std::vector<std::string>> auto_langs{};
  std::optional<bool> enable_streaming_asr{};
  std::optional<std::uint64_t> partial_update_interval_ms{};
  std::optional<std::string> trace_id{};
  std::optional<pipeline_config> pipeline{};
  bool operator==(const utterance&) const = default;
};

struct client_heartbeat {
  std::string session_id{};
  std::int64_t timestamp = 0;
  bool operator==(const client_heartbeat&) const = default;
};

struct tts_started {
  std::string session_id{};
  std::string trace_id{};
  std::string group_id{};
  std::int64_t ts_start_ms = 0;
  bool operator==(const tts_started&) const = default;
};

struct tts_play_ended {
  std::string session_id{};
  std::string trace_id{};
  std::string group_id{};
  std::int64_t ts_end_ms = 0;
  bool operator==(const tts_play_ended&) const = default;
};

struct session_close {
  std::string session_id{};
  std::string reason{};
  bool operator==(const session_close&) const = default;
};

struct room_create {
  std::uint64_t client_ts = 0;
  std::optional<std::string> display_name{};
  std::optional<std::string> preferred_lang{};
  bool operator==(const room_create&) const = default;
};

struct room_join {
  std::string room_code{};
  std::optional<std::string> display_name{};
  std::optional<std::string> preferred_lang{};
  bool operator==(const room_join&) const = default;
};

struct room_leave {
  std::string room_code{};
  bool operator==(const room_leave&) const = default;
};

struct room_raw_voice_preference {
  std::string room_code{};
  std::string target_session_id{};
  bool receive_raw_voice = true;
  bool operator==(const room_raw_voice_preference&) const = default;
};

// WebRTC signalling, same shape in both directions. Inbound `to` is the target session; when relayed, `to` is the
// *sender's* session id. `sdp`/`candidate` are opaque and required (a JSON null is kept as null).
struct webrtc_offer {
  std::string room_code{};
  std::string to{};
  nlohmann::json sdp{};
  bool operator==(const webrtc_offer&) const = default;
};

struct webrtc_answer {
  std::string room_code{};
  std::string to{};
  nlohmann::json sdp{};
  bool operator==(const webrtc_answer&) const = default;
};

struct webrtc_ice {
  std::string room_code{};
  std::string to{};
  nlohmann::json candidate{};
  bool operator==(const webrtc_ice&) const = default;
};

// A well-formed message of a type the session side may legally carry but the scheduler does not act on (any of the
// outbound types below, and the original's never-sent `language_detected`, `tts_audio`, `translation`). The original
// parses these into its message enum and only logs "unhandled" — no error reply — so we do the same.
struct session_unhandled {
  std::string type{};
  bool operator==(const session_unhandled&) const = default;
};

using session_inbound =
    std::variant<session_init, audio_chunk, utterance, client_heartbeat, tts_started, tts_play_ended, session_close,
                 room_create, room_join, room_leave, room_raw_voice_preference, webrtc_offer, webrtc_answer,
                 webrtc_ice, session_unhandled>;

// ---- Scheduler → Session -------------------------------------------------------------------------------------------

// The fixed values are what the scheduler always answers (no real negotiation).
struct session_init_ack {
  std::string session_id{};
  std::optional<std::string> assigned_node_id{};
  std::string message = "session created";
  std::string trace_id{};
  std::string protocol_version = "1.0";
  bool use_binary_frame = false;
  std::string negotiated_codec = "opus";
  std::string negotiated_audio_format = "opus";
  std::uint32_t negotiated_sample_rate = 16000;
  std::uint32_t negotiated_channel_count = 1;
  bool operator==(const session_init_ack&) const = default;
};

struct server_heartbeat {
  std::string session_id{};
  std::int64_t timestamp = 0;
  bool operator==(const server_heartbeat&) const = default;
};

struct asr_partial {
  std::string session_id{};
  std::uint64_t utterance_index = 0;
  std::string job_id{};  // always "" when relayed by the scheduler
  std::string text{};
  bool is_final = false;
  std::string trace_id{};
  bool operator==(const asr_partial&) const = default;
};

// text_asr / text_translated / tts_audio / tts_format are always written ("" when the node omitted them).
struct translation_result {
  std::string session_id{};  // the speaker's session, also when delivered to room listeners
  std::uint64_t utterance_index = 0;
  std::string job_id{};
  std::string text_asr{};
  std::string text_translated{};
  std::string tts_audio{};  // base64
  std::string tts_format = "pcm16";
  std::optional<extra_result> extra{};
  std::string trace_id{};
  std::optional<std::string> group_id{};
  std::optional<std::uint64_t> part_index{};
  std::optional<protocol::service_timings> service_timings{};
  std::optional<protocol::network_timings> network_timings{};
  std::int64_t scheduler_sent_at_ms = 0;
  std::optional<std::string> asr_quality_level{};  // "good" | "suspect" | "bad" (passed through, not validated)
  std::optional<std::vector<std::string>> reason_codes{};
  std::optional<double> quality_score{};
  std::optional<std::uint32_t> rerun_count{};
  std::optional<protocol::segments_meta> segments_meta{};
  bool operator==(const translation_result&) const = default;
};

struct missing_result {
  std::string session_id{};
  std::uint64_t utterance_index = 0;
  std::string reason{};  // "silence_detected"
  std::int64_t created_at_ms = 0;
  std::optional<std::string> trace_id{};
  bool operator==(const missing_result&) const = default;
};

struct ui_event {
  std::string trace_id{};
  std::string session_id{};
  std::string job_id{};
  std::uint64_t utterance_index = 0;
  ui_event_type event = ui_event_type::dispatched;
  std::optional<std::uint64_t> elapsed_ms{};
  ui_event_status status = ui_event_status::ok;
  std::optional<protocol::error_code> error_code{};
  std::optional<std::string> hint{};
  bool operator==(const ui_event&) const = default;
};

struct session_close_ack {
  std::string session_id{};
  bool operator==(const session_close_ack&) const = default;
};

struct room_create_ack {
  std::string room_code{};
  std::string room_id{};
  bool operator==(const room_create_ack&) const = default;
};

struct room_participant {
  std::string participant_id{};  // = session_id
  std::string session_id{};
  std::optional<std::string> display_name{};
  std::optional<std::string> preferred_lang{};
  std::optional<std::map<std::string, bool>> raw_voice_preferences{};  // other session_id → receive raw voice
  std::string joined_at{};  // RFC 3339
  bool operator==(const room_participant&) const = default;
};

struct room_members {
  std::string room_code{};
  std::vector<room_participant> members{};
  bool operator==(const room_members&) const = default;
};

struct room_error {
  std::string code{};  // "ROOM_NOT_FOUND" | "ALREADY_IN_ROOM" | "INTERNAL_ERROR" (clients also know others)
  std::optional<std::string> message{};
  bool operator==(const room_error&) const = default;
};

struct room_expired {
  std::string room_code{};
  std::string message{};
  bool operator==(const room_expired&) const = default;
};

enum class backpressure_action { busy, pause, slow_down };  // "BUSY" | "PAUSE" | "SLOW_DOWN"
std::string_view to_string(backpressure_action v);
bool from_string(std::string_view text, backpressure_action& out);

// Understood by the web client; the original never sends it.
struct backpressure {
  backpressure_action action = backpressure_action::busy;
  std::optional<std::uint64_t> resume_after_ms{};
  std::optional<std::string> message{};
  bool operator==(const backpressure&) const = default;
};

using session_outbound =
    std::variant<session_init_ack, server_heartbeat, asr_partial, translation_result, missing_result, ui_event,
                 error_message, session_close_ack, room_create_ack, room_members, room_error, room_expired,
                 webrtc_offer, webrtc_answer, webrtc_ice, backpressure>;

// ---- Parsing and serialising ---------------------------------------------------------------------------------------

// What the scheduler reads from a session socket. Invalid JSON, a non-object, a missing/unknown `type`, a missing
// required field, a wrong JSON type (incl. a float or negative number for an unsigned integer) or an unknown enum
// value give a parse_error naming the field. Unknown fields are ignored; `null` counts as absent for optional fields.
// A frame over one of `limits` (nesting depth, id and code lengths, list sizes, relayed JSON size) is refused the
// same way, before anything deep is built (input_limits.hpp).
parse_result<session_inbound> parse_session_message(std::string_view text, const input_limits& limits = {});
// What a client reads from the scheduler (test kit, mock clients); same rules, depth up to
// max_configurable_json_depth, no other bound.
parse_result<session_outbound> parse_session_outbound(std::string_view text);

// One JSON object, `type` first, fields in declaration order, absent optionals omitted.
std::string to_json(const session_outbound& message);
std::string to_json(const session_inbound& message);  // session_unhandled → {"type":…}

std::string to_json(const session_init& m);
std::string to_json(const audio_chunk& m);
std::string to_json(const utterance& m);
std::string to_json(const client_heartbeat& m);
std::string to_json(const tts_started& m);
std::string to_json(const tts_play_ended& m);
std::string to_json(const session_close& m);
std::string to_json(const room_create& m);
std::string to_json(const room_join& m);
std::string to_json(const room_leave& m);
std::string to_json(const room_raw_voice_preference& m);
std::string to_json(const webrtc_offer& m);
std::string to_json(const webrtc_answer& m);
std::string to_json(const webrtc_ice& m);
std::string to_json(const session_init_ack& m);
std::string to_json(const server_heartbeat& m);
std::string to_json(const asr_partial& m);
std::string to_json(const translation_result& m);
std::string to_json(const missing_result& m);
std::string to_json(const ui_event& m);
std::string to_json(const error_message& m);
std::string to_json(const session_close_ack& m);
std::string to_json(const room_create_ack& m);
std::string to_json(const room_members& m);
std::string to_json(const room_error& m);
std::string to_json(const room_expired& m);
std::string to_json(const backpressure& m);

// The session endpoint's reply to an unparseable frame:
// {"type":"error","code":"INVALID_MESSAGE","message":"Invalid message format: <error.message>"}.
error_message make_invalid_message_error(const parse_error& error);

}  // namespace lingua::protocol
