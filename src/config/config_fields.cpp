#include "config/config_fields.hpp"

#include <charconv>
#include <cstdio>
#include <limits>
#include <system_error>
#include <type_traits>
#include <utility>

namespace lingua::config::detail {
namespace {

std::string describe(const toml_value& value) {
  struct visitor {
    std::string operator()(const std::string&) const { return "a string"; }
    std::string operator()(std::int64_t) const { return "an integer"; }
    std::string operator()(double) const { return "a floating-point number"; }
    std::string operator()(bool) const { return "a boolean"; }
    std::string operator()(const other_toml_value& other) const { return std::string(other.kind); }
  };
  return std::visit(visitor{}, value);
}

std::string quoted_text(std::string_view text) { return "'" + std::string(text) + "'"; }

// How values of one C++ type are read from TOML and from flag text, and printed back as TOML. Each returns an
// empty string on success and otherwise what is wrong with the value.
template <class T>
struct codec;

template <>
struct codec<std::string> {
  static constexpr std::string_view type_name = "TEXT";
  static std::string from_toml(const toml_value& value, std::string& out) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      out = *text;
      return {};
    }
    return "expects a string, got " + describe(value);
  }
  static std::string from_text(std::string_view text, std::string& out) {
    out = std::string(text);
    return {};
  }
  static std::string print(const std::string& value) { return quote_toml_string(value); }
};

template <>
struct codec<bool> {
  static constexpr std::string_view type_name = "BOOL";
  static std::string from_toml(const toml_value& value, bool& out) {
    if (const auto* flag = std::get_if<bool>(&value)) {
      out = *flag;
      return {};
    }
    return "expects a boolean (true or false), got " + describe(value);
  }
  static std::string from_text(std::string_view text, bool& out) {
    if (text == "true" || text == "1" || text == "yes" || text == "on") {
      out = true;
      return {};
    }
    if (text == "false" || text == "0" || text == "no" || text == "off") {
      out = false;
      return {};
    }
    return quoted_text(text) + " is not a boolean (true or false)";
  }
  static std::string print(bool value) { return value ? "true" : "false"; }
};

template <class T>
  requires std::is_integral_v<T>
struct codec<T> {
  static constexpr std::string_view type_name = "INT";
  static std::string store(std::int64_t value, T& out) {
    if (!std::in_range<T>(value)) {
      if (std::is_unsigned_v<T> && value < 0) return "must not be negative (got " + std::to_string(value) + ")";
      return "is out of range: got " + std::to_string(value) + ", allowed " +
             std::to_string(std::numeric_limits<T>::min()) + " to " + std::to_string(std::numeric_limits<T>::max());
    }
    out = static_cast<T>(value);
    return {};
  }
  static std::string from_toml(const toml_value& value, T& out) {
    if (const auto* number = std::get_if<std::int64_t>(&value)) return store(*number, out);
    return "expects an integer, got " + describe(value);
  }
  static std::string from_text(std::string_view text, T& out) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) return quoted_text(text) + " is out of range";
    if (ec != std::errc{} || end != text.data() + text.size()) return quoted_text(text) + " is not an integer";
    return store(value, out);
  }
  static std::string print(T value) { return std::to_string(value); }
};

template <>
struct codec<double> {
  static constexpr std::string_view type_name = "NUMBER";
  static std::string from_toml(const toml_value& value, double& out) {
    if (const auto* number = std::get_if<double>(&value)) {
      out = *number;
      return {};
    }
    if (const auto* whole = std::get_if<std::int64_t>(&value)) {
      out = static_cast<double>(*whole);
      return {};
    }
    return "expects a number, got " + describe(value);
  }
  static std::string from_text(std::string_view text, double& out) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return quoted_text(text) + " is not a number";
    out = value;
    return {};
  }
  static std::string print(double value) {
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string text(buffer, ec == std::errc{} ? end : buffer);
    // Shortest form round-trips; a TOML float needs a fraction or exponent to stay a float ("95" would be an int).
    if (text.find_first_of(".eni") == std::string::npos) text += ".0";
    return text;
  }
};

template <auto Section, auto Member>
config_field make_field(std::string_view section, std::string_view key, std::string_view help,
                        std::string_view alias = {}) {
  using value_type = std::remove_cvref_t<decltype(std::declval<scheduler_config&>().*Section.*Member)>;
  using value_codec = codec<value_type>;
  return config_field{
      section,
      key,
      alias,
      value_codec::type_name,
      help,
      [](const scheduler_config& config) { return value_codec::print(config.*Section.*Member); },
      [](const toml_value& value, scheduler_config& config) {
        return value_codec::from_toml(value, config.*Section.*Member);
      },
      [](std::string_view text, scheduler_config& config) {
        return value_codec::from_text(text, config.*Section.*Member);
      },
  };
}

// Stringizing keeps the TOML names identical to the member names.
#define LINGUA_CONFIG_FIELD(section, key, ...)                                                           \
  make_field<&scheduler_config::section, &decltype(scheduler_config::section)::key>(#section, #key, \
                                                                                      __VA_ARGS__)

std::vector<config_field> build_fields() {
  return {
      LINGUA_CONFIG_FIELD(server, host, "Address to listen on", "--host"),
      LINGUA_CONFIG_FIELD(server, port, "TCP port to listen on (1-65535)", "--port"),
      LINGUA_CONFIG_FIELD(server, max_frame_bytes, "Largest accepted WebSocket message, bytes"),
      LINGUA_CONFIG_FIELD(server, max_messages_per_second, "Sustained inbound message rate per connection, messages/s"),
      LINGUA_CONFIG_FIELD(server, message_burst, "Inbound messages a connection may send at once above the rate"),
      LINGUA_CONFIG_FIELD(server, max_write_queue_bytes,
                          "Outbound bytes queued per connection before the connection is dropped, bytes"),
      LINGUA_CONFIG_FIELD(server, shutdown_grace_ms, "Time given to connections to close on shutdown, ms"),
      LINGUA_CONFIG_FIELD(server, max_connections, "WebSocket connections in all; further upgrades get HTTP 503"),
      LINGUA_CONFIG_FIELD(server, max_connections_per_address,
                          "Sockets (upgraded or not) from one source address; 0 = no cap"),
      LINGUA_CONFIG_FIELD(server, first_message_timeout_ms,
                          "A WebSocket without session_init / node_register this long is closed, ms; 0 = never"),
      LINGUA_CONFIG_FIELD(server, idle_timeout_ms,
                          "A WebSocket that sends nothing and answers no ping this long is closed, ms; 0 = never"),
      LINGUA_CONFIG_FIELD(server, http_request_timeout_ms, "Time a socket has to send one HTTP request, ms"),
      LINGUA_CONFIG_FIELD(server, rate_limit_close_after_ms,
                          "A peer held back by the message rate limit this long without a break is closed, ms; "
                          "0 = never"),
      LINGUA_CONFIG_FIELD(server, max_open_files,
                          "Open-files limit (RLIMIT_NOFILE) set at start, the caps derive from it; 0 = the hard limit"),
      LINGUA_CONFIG_FIELD(server, tls_cert, "PEM certificate chain file: serve wss:// and https://; empty: plain"),
      LINGUA_CONFIG_FIELD(server, tls_key, "PEM private key file of tls_cert (set both or neither)"),
      LINGUA_CONFIG_FIELD(server, workers,
                          "Scheduler instances (child processes, one event loop each) sharing the port; 1: this "
                          "process",
                          "--workers"),

      LINGUA_CONFIG_FIELD(auth, allow_anonymous_nodes, "Nodes need no token (development only)"),
      LINGUA_CONFIG_FIELD(auth, node_token, "Token shared by every node; empty: none"),
      LINGUA_CONFIG_FIELD(auth, node_token_file, "File whose first line is the shared node token; empty: none"),
      LINGUA_CONFIG_FIELD(auth, node_tokens_file, "File of 'node_id token' lines: per-node tokens bound to node ids"),
      LINGUA_CONFIG_FIELD(auth, session_tokens_file, "File of 'key tenant_id' lines: sessions need an API key"),
      LINGUA_CONFIG_FIELD(auth, allowed_origins, "Allowed browser origins, comma or space separated; empty or *: any"),
      LINGUA_CONFIG_FIELD(auth, admin_token, "Token for operator admin actions (drain); empty: admin endpoints refused"),
      LINGUA_CONFIG_FIELD(auth, admin_token_file, "File whose first line is the admin token; empty: none"),
      LINGUA_CONFIG_FIELD(auth, api_token, "Token for reading the operator API and dashboard; empty: open"),

      LINGUA_CONFIG_FIELD(redis, url,
                          "Redis address, redis://host:port or unix:///path; empty starts an embedded redis-server",
                          "--redis"),
      LINGUA_CONFIG_FIELD(redis, key_prefix, "Every key lives under the hash tag {<key_prefix>}", "--key-prefix"),
      LINGUA_CONFIG_FIELD(redis, connections, "Pipelined Redis connections per instance"),
      LINGUA_CONFIG_FIELD(redis, command_timeout_ms, "A Redis command without a reply this long fails, ms"),
      LINGUA_CONFIG_FIELD(redis, connect_timeout_ms, "One connection attempt gives up after, ms"),
      LINGUA_CONFIG_FIELD(redis, reconnect_min_ms, "First reconnect back-off, ms"),
      LINGUA_CONFIG_FIELD(redis, reconnect_max_ms, "Reconnect back-off ceiling (doubles from the minimum), ms"),
      LINGUA_CONFIG_FIELD(redis, embedded_executable, "Program started as the embedded server when url is empty"),
      LINGUA_CONFIG_FIELD(redis, embedded_data_dir, "Persistence directory of the embedded server; empty: none"),
      LINGUA_CONFIG_FIELD(redis, embedded_port,
                          "Loopback TCP port of the embedded server, for other instances; 0: unix socket only"),

      LINGUA_CONFIG_FIELD(instance, id, "Unique instance id; empty: generated <hostname>-<pid>-<8 hex>",
                          "--instance-id"),
      LINGUA_CONFIG_FIELD(instance, presence_ttl_ms, "Presence key lifetime; a dead instance is noticed after, ms"),
      LINGUA_CONFIG_FIELD(instance, presence_renew_ms,
                          "Presence and ownership renewal period, below presence_ttl_ms, ms"),

      LINGUA_CONFIG_FIELD(nodes, default_max_concurrent_jobs, "Concurrent jobs per node when the node does not say"),
      LINGUA_CONFIG_FIELD(nodes, serial_max_concurrent_jobs,
                          "Concurrent jobs for a node that does not say but serialises (lists installed_services, or reports gpu_queue_length)"),
      LINGUA_CONFIG_FIELD(nodes, heartbeat_interval_ms, "Heartbeat period asked of nodes, ms"),
      LINGUA_CONFIG_FIELD(nodes, heartbeat_timeout_ms, "A node silent this long is offline, ms"),
      LINGUA_CONFIG_FIELD(nodes, resource_threshold_percent,
                          "CPU, GPU or memory use at or above this makes a node a last resort (chosen only when no calmer capable node can take the job), percent"),
      LINGUA_CONFIG_FIELD(nodes, model_unavailable_ttl_ms,
                          "A node reporting MODEL_NOT_AVAILABLE is not offered that model for, ms"),

      LINGUA_CONFIG_FIELD(selection, sample_size, "Ready nodes of one pool a dispatch may look at, times max_sample_rounds (least loaded first)"),
      LINGUA_CONFIG_FIELD(selection, max_sample_rounds, "Multiplies sample_size: ready nodes looked at per pool before a dispatch gives up"),
      LINGUA_CONFIG_FIELD(selection, sticky_sessions, "Prefer the node that served the session's previous job"),

      LINGUA_CONFIG_FIELD(jobs, ack_timeout_ms, "A node that acknowledges jobs must do so within, ms"),
      LINGUA_CONFIG_FIELD(jobs, run_timeout_base_ms, "Fixed part of a job's run deadline, ms"),
      LINGUA_CONFIG_FIELD(jobs, run_timeout_per_audio_second_ms, "Run deadline added per second of audio, ms"),
      LINGUA_CONFIG_FIELD(jobs, run_timeout_min_ms, "Run deadline floor, ms"),
      LINGUA_CONFIG_FIELD(jobs, run_timeout_max_ms, "Run deadline ceiling, ms"),
      LINGUA_CONFIG_FIELD(jobs, max_attempts, "Dispatches of one job, the first included"),
      LINGUA_CONFIG_FIELD(jobs, backlog_max_wait_ms, "A job waiting for a free node fails after, ms"),
      LINGUA_CONFIG_FIELD(jobs, job_ttl_ms, "How long finished job records are kept, ms"),
      LINGUA_CONFIG_FIELD(jobs, idempotency_ttl_ms, "How long a duplicate job request is recognised, ms"),
      LINGUA_CONFIG_FIELD(jobs, deadline_scan_interval_ms, "Period of the acknowledgement and run deadline scan, ms"),
      LINGUA_CONFIG_FIELD(jobs, lost_news_after_ms,
                          "A session looks up a job it has not heard the end of after this long (then less often); "
                          "a job ended this long ago whose news never came is placed again or reported, ms"),
      LINGUA_CONFIG_FIELD(jobs, queue_wait_budget_ms,
                          "A job whose expected wait for a free node (backlog length / observed drain rate) is longer "
                          "is refused at once with NODE_OVERLOADED; 0: no estimate, ms"),
      LINGUA_CONFIG_FIELD(jobs, max_backlog,
                          "Jobs waiting for a free node, at most (all instances); one more is refused with "
                          "NODE_OVERLOADED; 0: no cap"),
      LINGUA_CONFIG_FIELD(jobs, max_utterances_in_flight,
                          "Utterances of one session without an outcome, at most; more are refused with RATE_LIMITED "
                          "(the session is sent backpressure first); 0: no bound"),

      LINGUA_CONFIG_FIELD(segmentation, pause_ms, "Silence (no audio) that ends an utterance, ms"),
      LINGUA_CONFIG_FIELD(segmentation, max_duration_ms, "An utterance is cut at this much audio, ms"),
      LINGUA_CONFIG_FIELD(segmentation, max_buffer_bytes, "Audio buffered per utterance before a forced cut, bytes"),
      LINGUA_CONFIG_FIELD(segmentation, hangover_auto_ms, "Wait before taking the buffer at an automatic cut, ms"),
      LINGUA_CONFIG_FIELD(segmentation, hangover_manual_ms, "Wait before taking the buffer at a client's cut, ms"),
      LINGUA_CONFIG_FIELD(segmentation, padding_auto_ms, "Silence the node appends after an automatic cut, ms"),
      LINGUA_CONFIG_FIELD(segmentation, padding_manual_ms, "Silence the node appends after a client's cut, ms"),
      LINGUA_CONFIG_FIELD(segmentation, max_utterance_audio_bytes, "Audio accepted in one utterance message, bytes"),
      LINGUA_CONFIG_FIELD(segmentation, result_gap_wait_ms, "A missing result is waited for this long, then skipped, ms"),
      LINGUA_CONFIG_FIELD(segmentation, skip_silent_cuts, "Cuts that hold no speech are not dispatched"),
      LINGUA_CONFIG_FIELD(segmentation, close_turns_at_limits,
                          "Cuts made by max_duration_ms or max_buffer_bytes also carry is_timeout_triggered, so a "
                          "node that holds a turn's text until its closing cut translates them at once"),
      LINGUA_CONFIG_FIELD(segmentation, silent_packet_max_bytes, "An Opus packet of at most this size is silence, bytes"),
      LINGUA_CONFIG_FIELD(segmentation, min_speech_ms, "A cut with less voiced audio is not dispatched, ms"),
      LINGUA_CONFIG_FIELD(segmentation, pcm_silence_rms, "A PCM16 20 ms frame below this RMS is silence (of 32767)"),

      LINGUA_CONFIG_FIELD(rooms, expire_after_ms, "A room without activity is closed after, ms"),
      LINGUA_CONFIG_FIELD(rooms, scan_interval_ms, "Period of the room expiry scan, ms"),
      LINGUA_CONFIG_FIELD(rooms, max_members, "Members per room, sessions"),
      LINGUA_CONFIG_FIELD(rooms, code_digits, "Decimal digits of a new room code (6 to 18)"),
      LINGUA_CONFIG_FIELD(rooms, speaker_hears_own_target,
                          "In a room, the speaker also gets its utterance translated into its own tgt_lang"),

      LINGUA_CONFIG_FIELD(routing, stream_maxlen, "Approximate cap of each instance's inbox stream, entries"),
      LINGUA_CONFIG_FIELD(routing, stream_block_ms, "One blocking inbox read waits at most, ms"),
      LINGUA_CONFIG_FIELD(routing, stream_batch, "Inbox entries read or reclaimed per call"),
      LINGUA_CONFIG_FIELD(routing, reclaim_idle_ms, "An undelivered inbox entry is retried after idling, ms"),
      LINGUA_CONFIG_FIELD(routing, dead_letter_after_deliveries,
                          "An inbox entry delivered this many times moves to the dead-letter stream"),
      LINGUA_CONFIG_FIELD(routing, dead_letter_maxlen, "Approximate cap of the dead-letter stream, entries"),

      LINGUA_CONFIG_FIELD(input, max_json_depth, "Nesting of arrays and objects accepted in one frame (1-512)"),
      LINGUA_CONFIG_FIELD(input, max_id_bytes, "Longest id or short code a peer may send (node_id, job_id, ...), bytes"),
      LINGUA_CONFIG_FIELD(input, max_language_bytes, "Longest language code a peer may send, bytes"),
      LINGUA_CONFIG_FIELD(input, max_node_languages,
                          "Entries of one language list, and distinct languages one node may declare"),
      LINGUA_CONFIG_FIELD(input, max_node_services, "Entries of a node's service, readiness and NMT lists"),
      LINGUA_CONFIG_FIELD(input, max_node_models, "Entries of a node's installed_models list"),
      LINGUA_CONFIG_FIELD(input, max_relayed_json_bytes,
                          "Largest opaque JSON value relayed or kept (error details, WebRTC sdp, metrics), bytes"),
      LINGUA_CONFIG_FIELD(input, max_text_bytes, "Longest display name or reason a session may send, bytes"),

      LINGUA_CONFIG_FIELD(limits, node_register_burst,
                          "node_register messages one node socket may send at once, the first included"),
      LINGUA_CONFIG_FIELD(limits, node_register_interval_ms,
                          "After that burst, one more node_register per socket per this interval, ms"),

      LINGUA_CONFIG_FIELD(log, level, "Log level: trace, debug, info, warn, error, critical or off", "--log-level"),
      LINGUA_CONFIG_FIELD(log, peer_lines_per_window,
                          "Log lines one source address can cause per kind and window"),
      LINGUA_CONFIG_FIELD(log, peer_window_ms, "Window of the per-address log budget, then one summary line, ms"),
      LINGUA_CONFIG_FIELD(log, format, "Log line format: text, or json (one object a line: ts, level, msg, job fields)"),

      LINGUA_CONFIG_FIELD(metrics, per_node_labels,
                          "Also export per-node series in /metrics (one per connected node; small fleets only)"),
  };
}

#undef LINGUA_CONFIG_FIELD

}  // namespace

const std::vector<config_field>& config_fields() {
  static const std::vector<config_field> fields = build_fields();
  return fields;
}

const std::vector<std::string_view>& config_sections() {
  static const std::vector<std::string_view> sections = [] {
    std::vector<std::string_view> names;
    for (const auto& field : config_fields()) {
      if (names.empty() || names.back() != field.section) names.push_back(field.section);
    }
    return names;
  }();
  return sections;
}

std::string quote_toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace lingua::config::detail
