#pragma once
// A test peer that behaves like the Lingua node agent (node-agent-simple.ts) as observed
// (/work/shared/reference/clients-observed.md):
// - registers with node_id null, no max_concurrent_jobs, no features_supported, and reports every service it finds,
//   including types this scheduler does not know (`lexicon`) and capability entries with a `devices` array;
// - heartbeats only once it has a node id, with `running_jobs` and `gpu_queue_length` (left out while its queue is
//   empty);
// - accepts one job per job_id and one per (session_id, utterance_index), and refuses the next with
//   success:false, PROCESSING_ERROR "DUPLICATE_UTTERANCE_INDEX: …" (or "DUPLICATE_JOB_ID: …");
// - runs all work through one FIFO (one job at a time); job_cancel does not stop it;
// - holds a turn: a job with a turn_id that carries neither is_manual_cut nor is_timeout_triggered is answered with
//   its recognised text and no translation, the text kept for the turn; the next job of that turn that carries one
//   of them is answered with the translation of the whole turn's text.
// The test drives it: serve() reads frames, refuses duplicates at once and queues accepted jobs; finish_next()
// answers the oldest queued job.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "kit/ws_client.hpp"

namespace lingua::test {

struct agent_spec {
  std::vector<std::string> asr = {"en", "zh"};
  std::vector<std::string> tts = {"en", "zh"};
  bool with_lexicon = true;  // the unknown `lexicon` service and capability entry
  std::optional<std::uint32_t> max_concurrent_jobs;  // the agent declares none; a test may (extension)
  double cpu_percent = 12.5;  // the agent reports the whole machine's CPU, whatever else runs there
  // The agent leaves gpu_queue_length out of a heartbeat while its queue is empty; true: a node that always sends it.
  bool queue_length_when_empty = false;
};

class agent_peer {
 public:
  explicit agent_peer(agent_spec spec = {}) : spec_(std::move(spec)) {}

  nlohmann::json register_message() const;
  nlohmann::json heartbeat_message() const;
  // Connects and sends node_register; returns the acknowledged id, or "" when no ack came (then `last_error()`).
  std::string connect(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void heartbeat();

  // Reads frames for up to `timeout` (stops early once `want_queued` jobs are queued): refuses duplicates, queues
  // the rest in FIFO order. Returns the number queued.
  std::size_t serve(std::chrono::milliseconds timeout, std::size_t want_queued = SIZE_MAX);
  // Answers the oldest queued job "<tgt_lang>:<asr>" (or empty, ASR_EMPTY, when `empty`); false when none is queued.
  bool finish_next(const std::string& asr = "hello", bool empty = false) { return finish(0, asr, empty); }
  // Answers the queued job at `position` (0 = oldest).
  bool finish(std::size_t position, const std::string& asr = "hello", bool empty = false);
  // As if the agent had already accepted a job for (session_id, utterance_index): the next one is refused.
  void remember(const std::string& session_id, std::uint64_t utterance_index) {
    utterances_.insert({session_id, utterance_index});
  }
  std::size_t queued() const { return fifo_.size(); }
  const std::deque<nlohmann::json>& fifo() const { return fifo_; }

  std::size_t accepted() const { return accepted_; }
  std::size_t refused() const { return refused_; }
  std::size_t cancels() const { return cancels_; }
  std::set<std::string> sessions_seen() const { return sessions_; }
  const std::optional<nlohmann::json>& last_error() const { return last_error_; }
  const std::string& id() const { return node_id_; }
  ws_client& socket() { return ws_; }

 private:
  agent_spec spec_;
  ws_client ws_;
  std::string node_id_;
  std::set<std::string> job_ids_;
  std::set<std::pair<std::string, std::uint64_t>> utterances_;
  std::set<std::string> sessions_;
  std::deque<nlohmann::json> fifo_;
  std::map<std::string, std::string> turns_;  // "<session_id>|<turn_id>" -> the text of its held cuts
  std::size_t accepted_ = 0, refused_ = 0, cancels_ = 0;
  std::optional<nlohmann::json> last_error_;
};

}  // namespace lingua::test
