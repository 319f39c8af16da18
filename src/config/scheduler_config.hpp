#pragma once
// The scheduler's whole configuration: one plain value, built-in defaults below, overridden by a TOML file and then
// by command-line flags (see load_config.hpp and docs/configuration.md). Each nested struct is one TOML section with
// the same name; each field is one key with the same name. Durations are integers whose unit is in the name.
//
// Every field here must also appear in config_fields.cpp (TOML key, flag, help) and in docs/configuration.md.
#include <cstddef>
#include <cstdint>
#include <string>

namespace lingua::config {

// [server]: the WebSocket/HTTP listener and per-connection limits.
struct server_section {
  std::string host = "0.0.0.0";                    // address to listen on
  std::uint16_t port = 5010;                       // TCP port to listen on (1-65535)
  std::size_t max_frame_bytes = 1048576;           // largest accepted WebSocket message, bytes
  std::size_t max_messages_per_second = 200;       // sustained inbound message rate per connection, messages/s
  std::size_t message_burst = 400;                 // inbound messages a connection may send at once above the rate
  std::size_t max_write_queue_bytes = 8388608;     // outbound bytes queued per connection before it is dropped
  std::int64_t shutdown_grace_ms = 5000;           // time given to connections to close on shutdown, ms
  // Limits against hostile or broken peers (docs/security.md, "Limits").
  std::size_t max_connections = 10000;             // WebSocket connections in all; more upgrades get HTTP 503
  std::size_t max_connections_per_address = 64;    // sockets (upgraded or not) from one address; 0: no cap
  std::int64_t first_message_timeout_ms = 10000;   // a socket without session_init / node_register is closed, ms
  std::int64_t idle_timeout_ms = 60000;            // a WebSocket silent this long (pings unanswered) is closed, ms
  std::int64_t http_request_timeout_ms = 10000;    // time to send one HTTP request (or the upgrade), ms
  std::int64_t rate_limit_close_after_ms = 60000;  // a peer held back by the rate limit this long is closed, ms
  std::size_t max_open_files = 0;                  // RLIMIT_NOFILE set at start; 0: the hard limit
  std::string tls_cert;                            // PEM certificate chain: serve wss:// and https://; "" = plain
  std::string tls_key;                             // PEM private key of tls_cert (set both or neither)
  // Scheduler instances run by this process (--workers): 1 = this process is the instance; N > 1 = N child
  // processes, each a normal single-loop instance with its own instance id, sharing the port (SO_REUSEPORT).
  std::size_t workers = 1;

  bool operator==(const server_section&) const = default;
};

// [auth]: who may connect (docs/security.md).
struct auth_section {
  bool allow_anonymous_nodes = false;              // nodes need no token (development only; logged at warn)
  std::string node_token;                          // token shared by every node; "" = none
  std::string node_token_file;                     // file whose first line is the shared node token; "" = none
  std::string node_tokens_file;                    // "node_id token" lines: per-node tokens bound to node ids
  std::string session_tokens_file;                 // "key tenant_id" lines: sessions need a key; "" = no keys
  std::string allowed_origins;                     // exact browser origins, comma/space separated; "" or "*" = any
  std::string admin_token;                         // operator admin actions (drain); "" = admin endpoints refused
  std::string admin_token_file;                    // file whose first line is the admin token; "" = none
  std::string api_token;                           // reading the operator API / dashboard; "" = open

  bool operator==(const auth_section&) const = default;
};

// [redis]: the shared state every instance uses.
struct redis_section {
  std::string url;                                 // "redis://host:port" or "unix:///path"; empty: embedded server
  std::string key_prefix = "lingua";               // every key lives under the hash tag "{<key_prefix>}"
  std::size_t connections = 2;                     // pipelined connections per instance
  std::int64_t command_timeout_ms = 2000;          // a command without a reply this long fails, ms
  std::int64_t connect_timeout_ms = 1000;          // one connection attempt gives up after, ms
  std::int64_t reconnect_min_ms = 50;              // first reconnect back-off, ms
  std::int64_t reconnect_max_ms = 2000;            // back-off ceiling (doubles from min up to this), ms
  std::string embedded_executable = "redis-server";  // program started when url is empty
  std::string embedded_data_dir;                   // persistence directory of the embedded server; empty: none
  std::uint16_t embedded_port = 0;                 // loopback TCP port of the embedded server; 0: unix socket only

  bool operator==(const redis_section&) const = default;
};

// [instance]: this process's identity among the scheduler instances sharing one Redis.
struct instance_section {
  std::string id;                                  // unique instance id; empty: "<hostname>-<pid>-<8 hex>"
  std::int64_t presence_ttl_ms = 10000;            // presence key lifetime; a dead instance is noticed after, ms
  std::int64_t presence_renew_ms = 3000;           // presence and ownership renewal period (< presence_ttl_ms), ms

  bool operator==(const instance_section&) const = default;
};

// [nodes]: inference nodes and their health.
struct nodes_section {
  std::size_t default_max_concurrent_jobs = 4;     // jobs per node when the node does not say, jobs
  std::size_t serial_max_concurrent_jobs = 1;      // the same, for a node that serialises (Lingua agent), jobs
  std::int64_t heartbeat_interval_ms = 15000;      // heartbeat period asked of nodes, ms
  std::int64_t heartbeat_timeout_ms = 45000;       // a node silent this long is offline (> interval), ms
  double resource_threshold_percent = 95.0;        // cpu/gpu/memory use at or above: a last resort, percent
  std::int64_t model_unavailable_ttl_ms = 60000;   // a node reporting MODEL_NOT_AVAILABLE skips that model for, ms

  bool operator==(const nodes_section&) const = default;
};

// [selection]: choosing a node for a job (power of choices).
struct selection_section {
  std::size_t sample_size = 3;                     // x max_sample_rounds: ready nodes of one pool looked at
  std::size_t max_sample_rounds = 3;               // multiplies sample_size
  bool sticky_sessions = true;                     // prefer the node that served the session's previous job

  bool operator==(const selection_section&) const = default;
};

// [jobs]: job lifecycle, deadlines and retention.
// A job's run deadline = clamp(run_timeout_base_ms + run_timeout_per_audio_second_ms × audio seconds,
//                              run_timeout_min_ms, run_timeout_max_ms).
struct jobs_section {
  std::int64_t ack_timeout_ms = 5000;              // a node that acknowledges jobs must do so within, ms
  std::int64_t run_timeout_base_ms = 15000;        // fixed part of the run deadline, ms
  std::int64_t run_timeout_per_audio_second_ms = 2000;  // run deadline added per second of audio, ms
  std::int64_t run_timeout_min_ms = 15000;         // run deadline floor, ms
  std::int64_t run_timeout_max_ms = 60000;         // run deadline ceiling, ms
  std::size_t max_attempts = 3;                    // dispatches of one job (first + retries), attempts
  std::int64_t backlog_max_wait_ms = 10000;        // a job waiting for a free node fails after, ms
  std::int64_t job_ttl_ms = 3600000;               // how long finished job records are kept, ms
  std::int64_t idempotency_ttl_ms = 300000;        // how long a duplicate request is recognised, ms
  std::int64_t deadline_scan_interval_ms = 250;    // period of the ack/run deadline scan, ms
  std::int64_t lost_news_after_ms = 2000;          // a session looks up a job it has not heard of after, ms
  // Admission (graceful overload): a job is refused at once, never parked for longer than it may wait.
  std::int64_t queue_wait_budget_ms = 2000;        // longest expected backlog wait a new job is admitted to; 0: off, ms
  std::int64_t max_backlog = 5000;                 // jobs waiting for a node in all, at most; 0: no cap, jobs
  std::size_t max_utterances_in_flight = 32;       // utterances of one session without an outcome; 0: no bound

  bool operator==(const jobs_section&) const = default;
};

// [segmentation]: cutting a session's audio stream into utterances.
struct segmentation_section {
  std::int64_t pause_ms = 3000;                    // silence (no audio) that ends an utterance, ms
  std::int64_t max_duration_ms = 10000;            // an utterance is cut at this length, ms of audio
  std::size_t max_buffer_bytes = 512000;           // audio buffered per utterance before a forced cut, bytes
  std::int64_t hangover_auto_ms = 150;             // wait before taking the buffer at an automatic cut, ms
  std::int64_t hangover_manual_ms = 200;           // wait before taking the buffer at a client's cut, ms
  std::int64_t padding_auto_ms = 220;              // silence the node appends after an automatic cut, ms
  std::int64_t padding_manual_ms = 280;            // silence the node appends after a client's cut, ms
  std::size_t max_utterance_audio_bytes = 512000;    // audio accepted in one `utterance` message, bytes
  std::int64_t result_gap_wait_ms = 5000;          // a missing result is waited for this long, then skipped, ms
  bool skip_silent_cuts = true;                    // cuts that hold no speech are not dispatched
  bool close_turns_at_limits = true;               // max_duration/max_buffer cuts also carry is_timeout_triggered
  std::size_t silent_packet_max_bytes = 20;        // an Opus packet this small is silence, bytes
  std::int64_t min_speech_ms = 60;                 // a cut with less voiced audio is not dispatched, ms
  double pcm_silence_rms = 100.0;                  // a PCM16 20 ms frame with a lower RMS is silence (of 32767)

  bool operator==(const segmentation_section&) const = default;
};

// [rooms]: multi-party rooms.
struct rooms_section {
  std::int64_t expire_after_ms = 1800000;          // a room without activity is closed after, ms
  std::int64_t scan_interval_ms = 60000;           // period of the room expiry scan, ms
  std::size_t max_members = 50;                    // members per room, sessions
  std::size_t code_digits = 6;                     // decimal digits of a new room code (10^digits codes)
  bool speaker_hears_own_target = false;           // a speaker also gets its utterance in its own tgt_lang

  bool operator==(const rooms_section&) const = default;
};

// [routing]: delivery between instances through per-instance Redis stream inboxes.
struct routing_section {
  std::size_t stream_maxlen = 10000;               // approximate cap of each inbox stream, entries
  std::int64_t stream_block_ms = 1000;             // one blocking inbox read waits at most, ms
  std::size_t stream_batch = 64;                   // inbox entries read or reclaimed per call, entries
  std::int64_t reclaim_idle_ms = 5000;             // an undelivered inbox entry is retried after idling, ms
  std::size_t dead_letter_after_deliveries = 10;   // an entry delivered this often moves to the dead-letter stream
  std::size_t dead_letter_maxlen = 10000;          // approximate cap of the dead-letter stream, entries

  bool operator==(const routing_section&) const = default;
};

// [input]: bounds on what a peer (session or node) may send; a frame over one is refused with INVALID_MESSAGE.
struct input_section {
  std::size_t max_json_depth = 64;                 // nesting of arrays/objects in one frame (1-512), levels
  std::size_t max_id_bytes = 128;                  // one id or short code (node_id, session_id, job_id, ...), bytes
  std::size_t max_language_bytes = 32;             // one language code, bytes
  std::size_t max_node_languages = 64;             // entries of one language list; distinct languages of a node
  std::size_t max_node_services = 64;              // entries of a node's service / readiness / NMT lists
  std::size_t max_node_models = 256;               // entries of a node's installed_models
  std::size_t max_relayed_json_bytes = 65536;      // one opaque JSON value (error details, sdp, metrics), bytes
  std::size_t max_text_bytes = 1024;               // display names and reasons, bytes

  bool operator==(const input_section&) const = default;
};

// [limits]: how often one connection may repeat a request that is costly for the shared state.
struct limits_section {
  std::size_t node_register_burst = 5;             // node_register per node socket at once (the first included)
  std::int64_t node_register_interval_ms = 10000;  // then one more per this interval, ms

  bool operator==(const limits_section&) const = default;
};

// [log]
struct log_section {
  std::string level = "info";                      // trace, debug, info, warn, error, critical or off
  std::size_t peer_lines_per_window = 5;           // lines per (address, kind) a peer can cause per window
  std::int64_t peer_window_ms = 10000;             // window of that budget; then one "suppressed N" summary, ms
  std::string format = "text";                     // "text" (human lines) or "json" (one JSON object a line)

  bool operator==(const log_section&) const = default;
};

// [metrics]: GET /metrics (docs/operations.md).
struct metrics_section {
  bool per_node_labels = false;  // also export per-node series (one per connected node: opt in on small fleets)

  bool operator==(const metrics_section&) const = default;
};

struct scheduler_config {
  server_section server;
  auth_section auth;
  redis_section redis;
  instance_section instance;
  nodes_section nodes;
  selection_section selection;
  jobs_section jobs;
  segmentation_section segmentation;
  rooms_section rooms;
  routing_section routing;
  input_section input;
  limits_section limits;
  log_section log;
  metrics_section metrics;

  bool operator==(const scheduler_config&) const = default;
};

}  // namespace lingua::config
