#include "logging/job_log.hpp"

#include <chrono>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

namespace lingua::logging {

namespace {

// The fields of the job event being logged right now. spdlog's default logger is synchronous, so the formatter
// runs inside job_event()'s call on the same thread; thread_local keeps other threads' lines apart.
thread_local const job_fields* current_job = nullptr;

void append_json_string(spdlog::memory_buf_t& dest, std::string_view text) {
  const std::string quoted = nlohmann::json(std::string(text)).dump(-1, ' ', false,
                                                                    nlohmann::json::error_handler_t::replace);
  dest.append(quoted.data(), quoted.data() + quoted.size());
}

void append_raw(spdlog::memory_buf_t& dest, std::string_view text) { dest.append(text.data(), text.data() + text.size()); }

void append_field(spdlog::memory_buf_t& dest, std::string_view key, std::string_view value) {
  append_raw(dest, ",\"");
  append_raw(dest, key);
  append_raw(dest, "\":");
  append_json_string(dest, value);
}

std::string utc_timestamp(spdlog::log_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[40];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
  return std::string(buffer, n) + "." + std::to_string(1000 + ms % 1000).substr(1) + "Z";
}

class json_formatter final : public spdlog::formatter {
 public:
  explicit json_formatter(std::string instance_id) : instance_id_(std::move(instance_id)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    append_raw(dest, "{\"ts\":\"");
    append_raw(dest, utc_timestamp(msg.time));
    append_raw(dest, "\",\"level\":\"");
    const auto level = spdlog::level::to_string_view(msg.level);
    append_raw(dest, std::string_view(level.data(), level.size()));
    append_raw(dest, "\",\"msg\":");
    append_json_string(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    append_field(dest, "instance", instance_id_);
    if (const job_fields* job = current_job) {
      append_field(dest, "trace_id", job->trace_id);
      append_field(dest, "session", job->session_id);
      append_field(dest, "job", job->job_id);
      append_field(dest, "node", job->node_id);
      append_raw(dest, ",\"attempt\":");
      append_raw(dest, std::to_string(job->attempt));
      if (!job->outcome.empty()) append_field(dest, "outcome", job->outcome);
      if (!job->code.empty()) append_field(dest, "code", job->code);
    }
    append_raw(dest, "}\n");
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>(instance_id_);
  }

 private:
  std::string instance_id_;
};

bool json_format = false;  // set once at start-up, before the event loop runs

}  // namespace

void configure(std::string_view format, std::string_view instance_id) {
  json_format = format == "json";
  if (json_format) spdlog::set_formatter(std::make_unique<json_formatter>(std::string(instance_id)));
}

std::string describe(const job_fields& f) {
  std::string out = "job=" + std::string(f.job_id) + " session=" + std::string(f.session_id) +
                    " node=" + std::string(f.node_id) + " attempt=" + std::to_string(f.attempt);
  if (!f.trace_id.empty()) out += " trace_id=" + std::string(f.trace_id);
  if (!f.outcome.empty()) out += " outcome=" + std::string(f.outcome);
  if (!f.code.empty()) out += " code=" + std::string(f.code);
  return out;
}

void job_event(spdlog::level::level_enum level, const job_fields& fields, std::string_view msg) {
  if (!spdlog::should_log(level)) return;
  if (!json_format) {
    spdlog::log(level, "{} ({})", msg, describe(fields));
    return;
  }
  current_job = &fields;
  spdlog::log(level, "{}", msg);
  current_job = nullptr;
}

}  // namespace lingua::logging
