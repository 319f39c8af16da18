#include "e2e/clients/agent_peer.hpp"

#include "e2e/harness/scheduler_process.hpp"

namespace lingua::test {
namespace {

nlohmann::json service(const std::string& id, const std::string& type, const std::string& device) {
  return {{"service_id", id}, {"type", type}, {"device", device}, {"status", "running"}};
}

nlohmann::json capability(const std::string& type, const std::string& device) {
  return {{"type", type}, {"ready", true}, {"devices", {device}}};
}

}  // namespace

nlohmann::json agent_peer::register_message() const {
  nlohmann::json services = {service("faster-whisper-vad", "asr", "gpu"), service("nmt-m2m100", "nmt", "gpu"),
                             service("piper-tts", "tts", "gpu")};
  nlohmann::json caps = {capability("asr", "gpu"), capability("nmt", "gpu"), capability("tts", "gpu")};
  if (spec_.with_lexicon) {
    services.push_back(service("lexicon-intent-cpu", "lexicon", "cpu"));
    caps.push_back(capability("lexicon", "cpu"));
  }
  nlohmann::json reg = {{"type", "node_register"},
                        {"node_id", node_id_.empty() ? nlohmann::json(nullptr) : nlohmann::json(node_id_)},
                        {"version", "2.0.0"},
                        {"capability_schema_version", "2.0"},
                        {"platform", "linux"},
                        {"hardware", {{"cpu_cores", 2}, {"memory_gb", 24}}},
                        {"installed_models", nlohmann::json::array()},
                        {"installed_services", services},
                        {"capability_by_type", caps},
                        {"accept_public_jobs", true},
                        {"language_capabilities",
                         {{"asr_languages", spec_.asr},
                          {"tts_languages", spec_.tts},
                          {"semantic_languages", spec_.asr}}}};
  if (spec_.max_concurrent_jobs) reg["max_concurrent_jobs"] = *spec_.max_concurrent_jobs;
  return reg;
}

nlohmann::json agent_peer::heartbeat_message() const {
  const auto reg = register_message();
  // The agent's running_jobs drops when ASR finishes: it under-reports; gpu_queue_length counts the FIFO.
  const std::size_t waiting = fifo_.empty() ? 0 : fifo_.size() - 1;
  nlohmann::json usage = {{"cpu_percent", spec_.cpu_percent}, {"gpu_percent", 40.0}, {"mem_percent", 30.0},
                          {"running_jobs", 0}};
  if (waiting > 0 || spec_.queue_length_when_empty) usage["gpu_queue_length"] = waiting;
  return {{"type", "node_heartbeat"},
          {"node_id", node_id_},
          {"timestamp", 1700000000000},
          {"resource_usage", usage},
          {"installed_services", reg["installed_services"]},
          {"capability_by_type", reg["capability_by_type"]},
          {"language_capabilities", reg["language_capabilities"]}};
}

std::string agent_peer::connect(std::uint16_t port, std::chrono::milliseconds timeout) {
  ws_.connect("127.0.0.1", port, std::string("/ws/node?token=") + default_node_token);  // as the agent: a URL token
  ws_.send_json(register_message());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = ws_.receive_json(std::chrono::milliseconds(100));
    if (!m) continue;
    if ((*m)["type"] == "error") last_error_ = *m;
    if ((*m)["type"] == "node_register_ack") {
      node_id_ = (*m)["node_id"].get<std::string>();
      heartbeat();  // only now: the agent heartbeats once it has an id
      return node_id_;
    }
  }
  return {};
}

void agent_peer::heartbeat() {
  if (!node_id_.empty()) ws_.send_json(heartbeat_message());
}

std::size_t agent_peer::serve(std::chrono::milliseconds timeout, std::size_t want_queued) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fifo_.size() < want_queued && std::chrono::steady_clock::now() < deadline) {
    auto m = ws_.receive_json(std::chrono::milliseconds(20));
    if (!m) continue;
    const std::string type = m->value("type", "");
    if (type == "job_cancel") {
      ++cancels_;  // acknowledged, but the work goes on (as the agent does)
      continue;
    }
    if (type != "job_assign") continue;
    const std::string job_id = (*m)["job_id"].get<std::string>();
    const std::string session = (*m)["session_id"].get<std::string>();
    const std::uint64_t index = (*m)["utterance_index"].get<std::uint64_t>();
    std::string refusal;
    if (job_ids_.count(job_id) != 0) {
      refusal = "DUPLICATE_JOB_ID: job already processed";
    } else if (utterances_.count({session, index}) != 0) {
      refusal = "DUPLICATE_UTTERANCE_INDEX: another job already accepted for this session_id and utterance_index";
    }
    if (!refusal.empty()) {
      ++refused_;
      ws_.send_json({{"type", "job_result"}, {"job_id", job_id}, {"attempt_id", (*m)["attempt_id"]},
                     {"node_id", node_id_}, {"session_id", session}, {"utterance_index", index},
                     {"success", false}, {"trace_id", (*m)["trace_id"]},
                     {"error", {{"code", "PROCESSING_ERROR"}, {"message", refusal}}}});
      continue;
    }
    job_ids_.insert(job_id);
    utterances_.insert({session, index});
    sessions_.insert(session);
    ++accepted_;
    fifo_.push_back(std::move(*m));
  }
  return fifo_.size();
}

bool agent_peer::finish(std::size_t position, const std::string& asr, bool empty) {
  if (position >= fifo_.size()) return false;
  const nlohmann::json job = std::move(fifo_[position]);
  fifo_.erase(fifo_.begin() + static_cast<std::ptrdiff_t>(position));
  const std::string tgt = job["tgt_lang"].get<std::string>();
  // A turn's cut that does not close it: its text is held for the turn, and it is answered untranslated.
  const std::string turn = job.value("turn_id", "");
  const bool closes_turn = job.value("is_manual_cut", false) || job.value("is_timeout_triggered", false);
  const std::string turn_key = job["session_id"].get<std::string>() + "|" + turn;
  std::string translated = empty ? "" : tgt + ":" + asr;
  if (!turn.empty() && !empty) {
    std::string& held = turns_[turn_key];
    held += held.empty() ? asr : " " + asr;
    if (closes_turn) {
      translated = tgt + ":" + held;
      turns_.erase(turn_key);
    } else {
      translated.clear();
    }
  }
  nlohmann::json result = {{"type", "job_result"},
                           {"job_id", job["job_id"]},
                           {"attempt_id", job["attempt_id"]},
                           {"node_id", node_id_},
                           {"session_id", job["session_id"]},
                           {"utterance_index", job["utterance_index"]},
                           {"success", true},
                           {"text_asr", empty ? "" : asr},
                           {"text_translated", translated},
                           {"tts_audio", translated.empty() ? "" : "AAAA"},
                           {"tts_format", "opus"},
                           {"processing_time_ms", 700},
                           {"trace_id", job["trace_id"]},
                           {"extra", {{"language_probability", 0.98}, {"asr_quality_level", "good"}}}};
  if (empty) result["extra"]["reason"] = "ASR_EMPTY";
  ws_.send_json(result);
  return true;
}

}  // namespace lingua::test
