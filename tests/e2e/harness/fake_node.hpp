#pragma once
// A scripted compute node speaking the node protocol over a real WebSocket, as the electron node does.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "e2e/harness/scheduler_process.hpp"
#include "kit/ws_client.hpp"

namespace lingua::test {

struct node_spec {
  std::string node_id;  // "" = let the scheduler assign one
  std::vector<std::string> asr = {"en", "zh"};
  std::vector<std::string> tts = {"en", "zh"};
  std::vector<std::string> semantic = {"en", "zh"};
  std::optional<std::uint32_t> max_concurrent_jobs;
  std::vector<std::string> ready_services = {"asr", "nmt", "tts"};
  // The credential presented with the upgrade; "" presents none. Sent as ?token= unless token_as_bearer.
  std::string token = default_node_token;
  bool token_as_bearer = false;
  bool tls = false;  // wss://
  std::string origin{};  // an Origin header, as a browser would send; "" sends none (as the node agent)
};

// A spec with the given id (and capacity), every other field at its default.
node_spec named_node(std::string node_id, std::optional<std::uint32_t> max_concurrent_jobs = std::nullopt);

class fake_node {
 public:
  explicit fake_node(node_spec spec = {});

  // Connects, registers, sends the first heartbeat; returns the node id the scheduler acknowledged.
  std::string connect(std::uint16_t port);
  // Only the upgrade, with the spec's token (throws when refused: see socket().upgrade_status()).
  void open(std::uint16_t port);
  // Sends node_register and returns the scheduler's answer: node_register_ack or an error (nullopt: none in 5 s).
  std::optional<nlohmann::json> register_node();
  void heartbeat(double cpu_percent = 10, std::uint64_t running_jobs = 0);
  nlohmann::json register_message() const;
  nlohmann::json heartbeat_message(double cpu_percent, std::uint64_t running_jobs) const;

  // The next job_assign (skipping other messages), or nullopt.
  std::optional<nlohmann::json> next_job(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Answers a job_assign with a successful result ("text:<asr>" / "<tgt>:<asr>" texts unless given).
  void complete(const nlohmann::json& job, std::string asr = "hello", std::string translated = "你好");
  void fail(const nlohmann::json& job, const std::string& code, const std::string& message,
            nlohmann::json details = nullptr);
  void send(const nlohmann::json& message) { ws_.send_json(message); }

  ws_client& socket() { return ws_; }
  const std::string& id() const { return spec_.node_id; }
  void set_id(std::string node_id) { spec_.node_id = std::move(node_id); }

 private:
  node_spec spec_;
  ws_client ws_;
};

nlohmann::json job_result_for(const nlohmann::json& job, const std::string& node_id, std::string asr,
                              std::string translated);

}  // namespace lingua::test
