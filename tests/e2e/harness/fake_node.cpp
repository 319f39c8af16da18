#include "e2e/harness/fake_node.hpp"

#include <stdexcept>

namespace lingua::test {

node_spec named_node(std::string node_id, std::optional<std::uint32_t> max_concurrent_jobs) {
  node_spec spec;
  spec.node_id = std::move(node_id);
  spec.max_concurrent_jobs = max_concurrent_jobs;
  return spec;
}

fake_node::fake_node(node_spec spec) : spec_(std::move(spec)) {}

nlohmann::json fake_node::register_message() const {
  nlohmann::json capability = nlohmann::json::array();
  for (const auto& s : spec_.ready_services) capability.push_back({{"type", s}, {"ready", true}});
  nlohmann::json m = {
      {"type", "node_register"},
      {"node_id", spec_.node_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec_.node_id)},
      {"version", "2.0.0"},
      {"capability_schema_version", "2.0"},
      {"platform", "linux"},
      {"hardware", {{"cpu_cores", 8}, {"memory_gb", 16}, {"gpus", {{{"name", "test-gpu"}, {"memory_gb", 8}}}}}},
      {"installed_models", nlohmann::json::array()},
      {"capability_by_type", capability},
      {"features_supported", nlohmann::json::object()},
      {"accept_public_jobs", true},
      {"language_capabilities",
       {{"asr_languages", spec_.asr}, {"tts_languages", spec_.tts}, {"semantic_languages", spec_.semantic}}}};
  if (spec_.max_concurrent_jobs) m["max_concurrent_jobs"] = *spec_.max_concurrent_jobs;
  return m;
}

nlohmann::json fake_node::heartbeat_message(double cpu_percent, std::uint64_t running_jobs) const {
  nlohmann::json reg = register_message();
  return {{"type", "node_heartbeat"},
          {"node_id", spec_.node_id},
          {"timestamp", 1700000000000},
          {"resource_usage",
           {{"cpu_percent", cpu_percent}, {"gpu_percent", 5.0}, {"mem_percent", 30.0}, {"running_jobs", running_jobs}}},
          {"installed_services", nlohmann::json::array()},
          {"capability_by_type", reg["capability_by_type"]},
          {"language_capabilities", reg["language_capabilities"]}};
}

void fake_node::open(std::uint16_t port) {
  std::string path = "/ws/node";
  ws_options options;
  options.tls = spec_.tls;
  if (!spec_.origin.empty()) options.headers.emplace_back("Origin", spec_.origin);
  if (!spec_.token.empty() && spec_.token_as_bearer) {
    options.headers.emplace_back("Authorization", "Bearer " + spec_.token);
  } else if (!spec_.token.empty()) {
    path += "?token=" + spec_.token;  // test tokens need no percent-encoding
  }
  ws_.connect("127.0.0.1", port, path, std::chrono::seconds(5), options);
}

std::optional<nlohmann::json> fake_node::register_node() {
  ws_.send_json(register_message());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    auto message = ws_.receive_json(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!message) return std::nullopt;
    const std::string type = message->value("type", "");
    if (type == "node_register_ack") {
      spec_.node_id = (*message)["node_id"].get<std::string>();
      return message;
    }
    if (type == "error" || type == "node_error") return message;
  }
  return std::nullopt;
}

std::string fake_node::connect(std::uint16_t port) {
  open(port);
  auto answer = register_node();
  if (!answer || answer->value("type", "") != "node_register_ack") {
    throw std::runtime_error("no node_register_ack: " + (answer ? answer->dump() : std::string("(nothing)")));
  }
  heartbeat();
  return spec_.node_id;
}

void fake_node::heartbeat(double cpu_percent, std::uint64_t running_jobs) {
  ws_.send_json(heartbeat_message(cpu_percent, running_jobs));
}

std::optional<nlohmann::json> fake_node::next_job(std::chrono::milliseconds timeout) {
  return ws_.receive_until("job_assign", timeout);
}

nlohmann::json job_result_for(const nlohmann::json& job, const std::string& node_id, std::string asr,
                              std::string translated) {
  return {{"type", "job_result"},
          {"job_id", job["job_id"]},
          {"attempt_id", job["attempt_id"]},
          {"node_id", node_id},
          {"session_id", job["session_id"]},
          {"utterance_index", job["utterance_index"]},
          {"success", true},
          {"text_asr", std::move(asr)},
          {"text_translated", std::move(translated)},
          {"tts_audio", "AAAA"},
          {"tts_format", "pcm16"},
          {"processing_time_ms", 42},
          {"trace_id", job["trace_id"]}};
}

void fake_node::complete(const nlohmann::json& job, std::string asr, std::string translated) {
  ws_.send_json(job_result_for(job, spec_.node_id, std::move(asr), std::move(translated)));
}

void fake_node::fail(const nlohmann::json& job, const std::string& code, const std::string& message,
                     nlohmann::json details) {
  nlohmann::json error = {{"code", code}, {"message", message}};
  if (!details.is_null()) error["details"] = std::move(details);
  ws_.send_json({{"type", "job_result"},
                 {"job_id", job["job_id"]},
                 {"attempt_id", job["attempt_id"]},
                 {"node_id", spec_.node_id},
                 {"session_id", job["session_id"]},
                 {"utterance_index", job["utterance_index"]},
                 {"success", false},
                 {"error", error},
                 {"trace_id", job["trace_id"]}});
}

}  // namespace lingua::test
