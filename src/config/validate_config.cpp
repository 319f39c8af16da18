#include "config/validate_config.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace lingua::config {
namespace {

class problems {
 public:
  void at_least(std::string_view name, std::int64_t value, std::int64_t minimum) {
    if (value < minimum) add(name, "must be at least " + std::to_string(minimum), std::to_string(value));
  }
  void at_least(std::string_view name, std::size_t value, std::size_t minimum) {
    if (value < minimum) add(name, "must be at least " + std::to_string(minimum), std::to_string(value));
  }
  void positive(std::string_view name, std::int64_t value) {
    if (value <= 0) add(name, "must be positive", std::to_string(value));
  }
  void not_negative(std::string_view name, std::int64_t value) {
    if (value < 0) add(name, "must not be negative", std::to_string(value));
  }
  void not_above(std::string_view smaller, std::int64_t small_value, std::string_view larger,
                 std::int64_t large_value) {
    if (small_value > large_value) {
      list_.push_back(std::string(smaller) + " (" + std::to_string(small_value) + ") must not exceed " +
                      std::string(larger) + " (" + std::to_string(large_value) + ")");
    }
  }
  void below(std::string_view smaller, std::int64_t small_value, std::string_view larger, std::int64_t large_value) {
    if (small_value >= large_value) {
      list_.push_back(std::string(smaller) + " (" + std::to_string(small_value) + ") must be less than " +
                      std::string(larger) + " (" + std::to_string(large_value) + ")");
    }
  }
  void add(std::string_view name, std::string_view rule, std::string_view got) {
    list_.push_back(std::string(name) + " " + std::string(rule) + " (got " + std::string(got) + ")");
  }
  std::vector<std::string> take() { return std::move(list_); }

 private:
  std::vector<std::string> list_;
};

bool only_chars(std::string_view text, std::string_view extra) {
  return std::all_of(text.begin(), text.end(), [extra](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

// With workers, instance.id is a prefix: worker k is "<id>-w<k>" (k ≤ max_workers: at most 5 more characters).
constexpr std::size_t max_workers = 256;
constexpr std::size_t worker_id_suffix_bytes = 5;

std::vector<std::string> validate(const scheduler_config& config) {
  problems p;

  const auto& server = config.server;
  if (server.host.empty()) p.add("server.host", "must not be empty", quoted(server.host));
  if (server.port == 0) p.add("server.port", "must be between 1 and 65535", "0");
  p.at_least("server.max_frame_bytes", server.max_frame_bytes, std::size_t{1});
  p.at_least("server.max_messages_per_second", server.max_messages_per_second, std::size_t{1});
  p.at_least("server.message_burst", server.message_burst, std::size_t{1});
  if (server.max_write_queue_bytes < server.max_frame_bytes) {
    p.add("server.max_write_queue_bytes", "must be at least server.max_frame_bytes (" +
                                              std::to_string(server.max_frame_bytes) + ") so one message fits",
          std::to_string(server.max_write_queue_bytes));
  }
  p.not_negative("server.shutdown_grace_ms", server.shutdown_grace_ms);
  p.at_least("server.max_connections", server.max_connections, std::size_t{1});
  if (server.workers < 1 || server.workers > max_workers) {
    p.add("server.workers", "must be between 1 and " + std::to_string(max_workers), std::to_string(server.workers));
  }
  if (server.workers > 1 && config.instance.id.size() + worker_id_suffix_bytes > 128) {
    p.add("instance.id", "must be at most " + std::to_string(128 - worker_id_suffix_bytes) +
                             " characters with server.workers > 1 (each worker adds -w<k>)",
          quoted(config.instance.id));
  }
  p.not_negative("server.first_message_timeout_ms", server.first_message_timeout_ms);
  p.not_negative("server.idle_timeout_ms", server.idle_timeout_ms);
  p.positive("server.http_request_timeout_ms", server.http_request_timeout_ms);
  p.not_negative("server.rate_limit_close_after_ms", server.rate_limit_close_after_ms);
  if (server.tls_cert.empty() != server.tls_key.empty()) {
    p.add(server.tls_cert.empty() ? "server.tls_cert" : "server.tls_key",
          "must be set together with the other of server.tls_cert / server.tls_key", "empty");
  }

  const auto& auth = config.auth;
  if (!auth.node_token.empty() && !auth.node_token_file.empty()) {
    p.add("auth.node_token", "must not be set together with auth.node_token_file", "both set");
  }
  if (!auth.node_token.empty() && auth.node_token.size() < 16) {
    p.add("auth.node_token", "must be at least 16 characters", std::to_string(auth.node_token.size()) + " characters");
  }
  if (!auth.admin_token.empty() && !auth.admin_token_file.empty()) {
    p.add("auth.admin_token", "must not be set together with auth.admin_token_file", "both set");
  }
  if (!auth.admin_token.empty() && auth.admin_token.size() < 16) {
    p.add("auth.admin_token", "must be at least 16 characters", std::to_string(auth.admin_token.size()) + " characters");
  }
  if (!auth.api_token.empty() && auth.api_token.size() < 16) {
    p.add("auth.api_token", "must be at least 16 characters", std::to_string(auth.api_token.size()) + " characters");
  }
  for (std::size_t i = 0; i < auth.allowed_origins.size();) {
    const auto end = auth.allowed_origins.find_first_of(", \t", i);
    const std::string_view origin =
        std::string_view(auth.allowed_origins).substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (!origin.empty() && origin != "*" && !origin.starts_with("http://") && !origin.starts_with("https://")) {
      p.add("auth.allowed_origins", "must list origins like https://app.example.com (or *)", quoted(origin));
    }
    if (end == std::string::npos) break;
    i = end + 1;
  }

  const auto& redis = config.redis;
  if (!redis.url.empty() && !redis.url.starts_with("redis://") && !redis.url.starts_with("unix://")) {
    p.add("redis.url", "must start with redis:// or unix:// (or be empty for an embedded server)", quoted(redis.url));
  }
  if (redis.key_prefix.empty() || !only_chars(redis.key_prefix, "._:-")) {
    p.add("redis.key_prefix", "must be non-empty letters, digits, '.', '_', ':' or '-'", quoted(redis.key_prefix));
  }
  p.at_least("redis.connections", redis.connections, std::size_t{1});
  p.positive("redis.command_timeout_ms", redis.command_timeout_ms);
  p.positive("redis.connect_timeout_ms", redis.connect_timeout_ms);
  p.positive("redis.reconnect_min_ms", redis.reconnect_min_ms);
  p.positive("redis.reconnect_max_ms", redis.reconnect_max_ms);
  p.not_above("redis.reconnect_min_ms", redis.reconnect_min_ms, "redis.reconnect_max_ms", redis.reconnect_max_ms);
  if (redis.embedded_executable.empty()) {
    p.add("redis.embedded_executable", "must not be empty", quoted(redis.embedded_executable));
  }

  const auto& instance = config.instance;
  if (!only_chars(instance.id, "._:-") || instance.id.size() > 128) {
    p.add("instance.id", "must be at most 128 letters, digits, '.', '_', ':' or '-' (or empty to generate one)",
          quoted(instance.id));
  }
  p.positive("instance.presence_ttl_ms", instance.presence_ttl_ms);
  p.positive("instance.presence_renew_ms", instance.presence_renew_ms);
  p.below("instance.presence_renew_ms", instance.presence_renew_ms, "instance.presence_ttl_ms",
          instance.presence_ttl_ms);

  const auto& nodes = config.nodes;
  p.at_least("nodes.default_max_concurrent_jobs", nodes.default_max_concurrent_jobs, std::size_t{1});
  p.at_least("nodes.serial_max_concurrent_jobs", nodes.serial_max_concurrent_jobs, std::size_t{1});
  p.positive("nodes.heartbeat_interval_ms", nodes.heartbeat_interval_ms);
  p.below("nodes.heartbeat_interval_ms", nodes.heartbeat_interval_ms, "nodes.heartbeat_timeout_ms",
          nodes.heartbeat_timeout_ms);
  if (!(nodes.resource_threshold_percent > 0.0 && nodes.resource_threshold_percent <= 100.0)) {
    p.add("nodes.resource_threshold_percent", "must be above 0 and at most 100",
          std::to_string(nodes.resource_threshold_percent));
  }
  p.positive("nodes.model_unavailable_ttl_ms", nodes.model_unavailable_ttl_ms);

  p.at_least("selection.sample_size", config.selection.sample_size, std::size_t{1});
  p.at_least("selection.max_sample_rounds", config.selection.max_sample_rounds, std::size_t{1});

  const auto& jobs = config.jobs;
  p.positive("jobs.ack_timeout_ms", jobs.ack_timeout_ms);
  p.not_negative("jobs.run_timeout_base_ms", jobs.run_timeout_base_ms);
  p.not_negative("jobs.run_timeout_per_audio_second_ms", jobs.run_timeout_per_audio_second_ms);
  p.positive("jobs.run_timeout_min_ms", jobs.run_timeout_min_ms);
  p.positive("jobs.run_timeout_max_ms", jobs.run_timeout_max_ms);
  p.not_above("jobs.run_timeout_min_ms", jobs.run_timeout_min_ms, "jobs.run_timeout_max_ms", jobs.run_timeout_max_ms);
  p.at_least("jobs.max_attempts", jobs.max_attempts, std::size_t{1});
  p.not_negative("jobs.backlog_max_wait_ms", jobs.backlog_max_wait_ms);
  p.positive("jobs.job_ttl_ms", jobs.job_ttl_ms);
  p.positive("jobs.idempotency_ttl_ms", jobs.idempotency_ttl_ms);
  p.positive("jobs.deadline_scan_interval_ms", jobs.deadline_scan_interval_ms);
  p.positive("jobs.lost_news_after_ms", jobs.lost_news_after_ms);
  p.not_negative("jobs.queue_wait_budget_ms", jobs.queue_wait_budget_ms);
  if (jobs.queue_wait_budget_ms > 0 && jobs.backlog_max_wait_ms > 0) {
    p.not_above("jobs.queue_wait_budget_ms", jobs.queue_wait_budget_ms, "jobs.backlog_max_wait_ms",
                jobs.backlog_max_wait_ms);
  }
  p.not_negative("jobs.max_backlog", jobs.max_backlog);

  const auto& segmentation = config.segmentation;
  p.positive("segmentation.pause_ms", segmentation.pause_ms);
  p.positive("segmentation.max_duration_ms", segmentation.max_duration_ms);
  p.at_least("segmentation.max_buffer_bytes", segmentation.max_buffer_bytes, std::size_t{1});
  p.not_negative("segmentation.hangover_auto_ms", segmentation.hangover_auto_ms);
  p.not_negative("segmentation.hangover_manual_ms", segmentation.hangover_manual_ms);
  p.not_negative("segmentation.padding_auto_ms", segmentation.padding_auto_ms);
  p.not_negative("segmentation.padding_manual_ms", segmentation.padding_manual_ms);
  p.not_negative("segmentation.min_speech_ms", segmentation.min_speech_ms);
  p.at_least("segmentation.max_utterance_audio_bytes", segmentation.max_utterance_audio_bytes, std::size_t{1});
  p.not_negative("segmentation.result_gap_wait_ms", segmentation.result_gap_wait_ms);

  p.positive("rooms.expire_after_ms", config.rooms.expire_after_ms);
  p.positive("rooms.scan_interval_ms", config.rooms.scan_interval_ms);
  p.at_least("rooms.max_members", config.rooms.max_members, std::size_t{1});
  if (config.rooms.code_digits < 6 || config.rooms.code_digits > 18) {
    p.add("rooms.code_digits", "must be between 6 and 18", std::to_string(config.rooms.code_digits));
  }

  const auto& routing = config.routing;
  p.at_least("routing.stream_maxlen", routing.stream_maxlen, std::size_t{1});
  p.positive("routing.stream_block_ms", routing.stream_block_ms);
  p.at_least("routing.stream_batch", routing.stream_batch, std::size_t{1});
  p.positive("routing.reclaim_idle_ms", routing.reclaim_idle_ms);
  p.at_least("routing.dead_letter_after_deliveries", routing.dead_letter_after_deliveries, std::size_t{1});
  p.at_least("routing.dead_letter_maxlen", routing.dead_letter_maxlen, std::size_t{1});

  const auto& input = config.input;
  if (input.max_json_depth < 1 || input.max_json_depth > 512) {
    p.add("input.max_json_depth", "must be between 1 and 512", std::to_string(input.max_json_depth));
  }
  p.at_least("input.max_id_bytes", input.max_id_bytes, std::size_t{1});
  p.at_least("input.max_language_bytes", input.max_language_bytes, std::size_t{1});
  p.at_least("input.max_node_languages", input.max_node_languages, std::size_t{1});
  p.at_least("input.max_node_services", input.max_node_services, std::size_t{1});
  p.at_least("input.max_node_models", input.max_node_models, std::size_t{1});
  p.at_least("input.max_relayed_json_bytes", input.max_relayed_json_bytes, std::size_t{1});
  p.at_least("input.max_text_bytes", input.max_text_bytes, std::size_t{1});

  p.at_least("limits.node_register_burst", config.limits.node_register_burst, std::size_t{1});
  p.positive("limits.node_register_interval_ms", config.limits.node_register_interval_ms);

  constexpr std::array<std::string_view, 7> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
  p.at_least("log.peer_lines_per_window", config.log.peer_lines_per_window, std::size_t{1});
  p.positive("log.peer_window_ms", config.log.peer_window_ms);
  if (std::find(levels.begin(), levels.end(), config.log.level) == levels.end()) {
    p.add("log.level", "must be one of trace, debug, info, warn, error, critical, off", quoted(config.log.level));
  }
  if (config.log.format != "text" && config.log.format != "json") {
    p.add("log.format", "must be text or json", quoted(config.log.format));
  }

  return p.take();
}

}  // namespace lingua::config
