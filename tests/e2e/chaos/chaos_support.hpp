#pragma once
// Helpers of the fault tests: fake nodes in a child process of their own (so they can be SIGKILLed like a real
// node), outcome counting per utterance, and direct looks into Redis.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "e2e/harness/fake_node.hpp"
#include "e2e/harness/fake_session.hpp"

namespace lingua::test {

// One fake node in a forked child: registers, heartbeats every 300 ms and answers every job after `work_ms`.
// Dies with SIGKILL (kill()) or when the test process goes away.
class node_process {
 public:
  node_process(std::string node_id, std::uint16_t port, std::uint32_t max_jobs = 2,
               std::chrono::milliseconds work_ms = std::chrono::milliseconds(80));
  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  // When its socket closes (its scheduler died), the node reconnects with the same id to the next of these ports.
  void fall_back_to(std::vector<std::uint16_t> ports) { fallback_ = std::move(ports); }
  void start();  // forks; returns once the child runs (registration is the child's)
  void kill();   // SIGKILL and reap
  bool running() const { return pid_ > 0; }

 private:
  std::string node_id_;
  std::uint16_t port_;
  std::uint32_t max_jobs_;
  std::chrono::milliseconds work_ms_;
  std::vector<std::uint16_t> fallback_;
  pid_t pid_ = -1;
};

// The outcomes a session saw per utterance index: translation_result, missing_result and ui_event ERROR each count
// as one outcome (an error's `error` frame comes with its ui_event, so it is not counted twice).
struct outcome_count {
  std::map<std::uint64_t, int> per_utterance;
  std::map<std::uint64_t, std::string> last_kind;  // "result" | "missing" | error code
  std::map<std::uint64_t, std::string> job_of;     // the job id last seen for the index (any message naming one)
  void take(const nlohmann::json& message);
  // Reads until every index in [0, n) has at least one outcome or `timeout` passes; then `settle` more.
  void collect(ws_client& ws, std::uint64_t n, std::chrono::milliseconds timeout,
               std::chrono::milliseconds settle = std::chrono::milliseconds(500));
  std::string describe() const;
};

// A command on the test's Redis (a short-lived client); the reply's elements as strings (a scalar: one element).
std::vector<std::string> redis_strings(const std::string& address, std::vector<std::string> command);
// Sum of the slot counters of every node ({lingua}:node:load).
std::int64_t slots_held(const std::string& address);

}  // namespace lingua::test
