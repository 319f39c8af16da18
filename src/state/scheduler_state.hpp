#pragma once
// The scheduler's shared state machine: one awaitable call per transition, each exactly one atomic Lua script
// (lua/*.lua) and one Redis round trip. Nothing here keeps state of its own; any number of scheduler instances
// may call these concurrently on the same Redis. Every call fails with errc::dependency_down when Redis cannot be
// reached (fail closed): nothing is dispatched blindly.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "redis/client.hpp"
#include "redis/script.hpp"
#include "state/errors.hpp"
#include "state/node_capabilities.hpp"
#include "state/state_keys.hpp"

namespace lingua::state {

template <class T>
using result = boost::system::result<T, std::error_code>;

struct state_config {
  std::string key_prefix = "lingua";
  std::int64_t heartbeat_timeout_ms = 45000;  // a node silent this long is not selected, then removed
  double resource_threshold_percent = 95.0;   // cpu/gpu/mem at or above: selected only as a last resort
  int sample_size = 3;                        // x sample_rounds: the most ready-set members of one pool
  int sample_rounds = 3;                      // a selection looks at (least loaded first)
  int backlog_scan = 32;                      // waiting jobs a freed slot looks at
  std::int64_t backlog_max_wait_ms = 10000;
  std::int64_t job_retention_ms = 3600000;    // finished job state and payload
  std::int64_t idempotency_ms = 300000;       // how long a job key maps to its job
  std::int64_t claim_lease_ms = 5000;         // an expired deadline claimed by one instance, for reassigning
  std::uint32_t max_attempts = 3;
};

struct node_runtime {
  std::string status = "ready";  // registering | ready | degraded | draining | offline
  double cpu_percent = 0;
  double gpu_percent = 0;
  double mem_percent = 0;
  std::uint32_t running_jobs = 0;
  // The node's own queue (gpu_queue_length): work waiting there. Absent for a node that does not report one; a node
  // that does runs its work one job at a time (lua/includes/select.lua).
  std::optional<std::uint32_t> queued_jobs;
};

// What a job needs from a node; the selection filters on exactly this.
struct job_requirements {
  std::string session_id;
  std::vector<std::string> languages;      // every language involved (pool lookup); at least one
  std::vector<std::string> asr_languages;  // the node must recognise each
  std::vector<std::string> tts_languages;  // the node must synthesise each (when tts is needed)
  std::vector<std::string> services;       // asr, nmt, tts, semantic, tone ...
  std::string sticky_node;                 // preferred when it fits; "" for none
  std::int64_t ack_timeout_ms = 5000;      // for nodes that acknowledge jobs
  std::int64_t run_timeout_ms = 30000;     // from acceptance (or sending) to result
};

struct dispatch_request {
  std::string job_id;
  std::string job_key;    // idempotency: the same key returns the same job
  job_requirements requirements;
  std::string spec_json;  // what the node needs, kept with the job for re-sending
  std::string audio;      // opaque here: the job's audio as job_assign carries it (base64 text)
  // Admission: when every capable node is busy, the job joins the backlog only while fewer than this many jobs
  // wait there; otherwise it is refused (reason BACKLOG_FULL) and nothing is written. 0: no bound.
  std::int64_t backlog_bound = 0;
  std::string trace_id;  // the utterance's, kept in the job record for the job's log lines ("" for none)
};

struct placed_job {
  std::string job_id;
  std::uint32_t attempt = 0;
};

struct register_outcome {
  bool conflict = false;  // the node id is registered with another credential: nothing changed
  bool is_new = false;
  std::string status;
};

struct heartbeat_outcome {
  bool known = false;
  std::string status;
  std::vector<placed_job> handed;  // waiting jobs given to this node's free slots: send them
};

struct dispatch_outcome {
  enum class kind { assigned, queued, existing, rejected };
  kind status = kind::rejected;
  std::string job_id;
  std::string node_id;        // assigned / existing
  std::uint32_t attempt = 0;  // assigned / existing
  std::string job_status;     // existing: its current status
  std::int64_t backlog_length = 0;  // queued: jobs waiting, this one included; BACKLOG_FULL: jobs waiting
  std::string reason;         // rejected: NO_POOL | EXCLUDED | MISSING_SERVICE | MISSING_LANGUAGE | PRIVATE |
                              // BACKLOG_FULL
};

struct ack_outcome {
  enum class kind { accepted, running, stale, unknown };
  kind status = kind::unknown;
  std::string session_id;
};

enum class completion { completed, completed_no_text, failed };

struct complete_outcome {
  enum class kind { completed, upgraded, duplicate, stale, unknown };
  kind status = kind::unknown;
  std::string session_id;
  std::vector<placed_job> handed;  // waiting jobs given to the freed slot (same node): send them
};

// reconnected: the node registered on a fresh socket; its old connection's jobs move, the node is not excluded.
enum class reassign_reason { ack_timeout, run_timeout, node_lost, send_failed, node_error, reconnected };

struct reassign_outcome {
  enum class kind { assigned, queued, failed, stale, unknown };
  kind status = kind::unknown;
  std::string session_id;
  std::string old_node_id;
  std::string node_id;        // assigned
  std::uint32_t attempt = 0;  // assigned
  std::string reason;         // failed: MAX_ATTEMPTS or a selection reason
  std::vector<placed_job> handed;  // waiting jobs given to the old node's released slot: send them
  std::string trace_id;            // the job's ("" when unknown or recorded without one)
};

struct offline_outcome {
  bool known = false;
  std::vector<placed_job> jobs;  // held by the node: fail each over
};

struct expired_job {
  enum class kind { ack_timeout, run_timeout, backlog_timeout };
  kind what = kind::run_timeout;
  std::string job_id;
  std::string session_id;
  std::string node_id;
  std::uint32_t attempt = 0;
  std::string trace_id;  // "" for a job recorded without one
};

struct expired_node {
  std::string node_id;
  std::vector<placed_job> jobs;
};

struct mark_outcome {
  bool marked = false;  // false: the node is not registered
};

struct job_payload {
  std::string spec_json;
  std::string audio;
};

struct abandon_outcome {
  enum class kind { abandoned, ended, unknown };
  kind status = kind::unknown;
  std::string node_id;             // abandoned: the node that held it ("" when it was waiting); cancel it there
  std::uint32_t attempt = 0;
  std::string trace_id;            // abandoned: the job's ("" for a job recorded without one)
  std::string session_id;          // abandoned: the speaker's session
  std::vector<placed_job> handed;  // waiting jobs given to that node's released slot: send them
};

// What became of a job, as the state knows it (job_outcomes): a session that has not heard of a job it placed.
struct job_standing {
  enum class kind { active, completed, completed_no_text, failed, unknown };
  kind status = kind::unknown;  // unknown: no record (never placed, or Redis lost it)
  std::string reason;           // failed: MAX_ATTEMPTS, a selection reason, NO_AVAILABLE_NODE, a node's code
  std::int64_t ended_ago_ms = 0;  // ended: how long ago, on the Redis clock
};

struct epoch_check {
  std::string epoch;     // the current epoch: remember it
  bool changed = false;  // Redis lost its data since `known` was read (restart without persistence)
};

class scheduler_state {
 public:
  scheduler_state(redis::client& redis, state_config config);

  const state_config& config() const { return config_; }
  const state_keys& keys() const { return keys_; }
  redis::client& redis() const { return redis_; }
  // Any embedded script of lua/ by file name (other modules' transitions, e.g. rooms, live there too).
  const redis::script& script(const char* name) const;

  boost::asio::awaitable<result<register_outcome>> register_node(const std::string& node_id,
                                                                 const node_capabilities& capabilities);
  // `changed` carries the node's capabilities when they may have changed (nullptr keeps the stored ones).
  boost::asio::awaitable<result<heartbeat_outcome>> heartbeat(const std::string& node_id, const node_runtime& runtime,
                                                              const node_capabilities* changed);
  boost::asio::awaitable<result<dispatch_outcome>> dispatch(const dispatch_request& request);
  boost::asio::awaitable<result<ack_outcome>> ack(const std::string& job_id, const std::string& node_id,
                                                  std::uint32_t attempt);
  boost::asio::awaitable<result<complete_outcome>> complete(const std::string& job_id, const std::string& node_id,
                                                            std::uint32_t attempt, completion how,
                                                            const std::string& reason);
  boost::asio::awaitable<result<reassign_outcome>> reassign(const std::string& job_id, std::uint32_t expected_attempt,
                                                            reassign_reason why);
  boost::asio::awaitable<result<offline_outcome>> node_offline(const std::string& node_id);
  boost::asio::awaitable<result<std::vector<expired_job>>> expire_deadlines(int limit);
  boost::asio::awaitable<result<std::vector<expired_node>>> expire_nodes(int limit);
  boost::asio::awaitable<result<mark_outcome>> mark_unavailable(const std::string& node_id, const std::string& service,
                                                        std::int64_t duration_ms);
  // How many jobs hold a slot on the node (graceful shutdown waits for these).
  boost::asio::awaitable<result<std::int64_t>> jobs_held(const std::string& node_id);
  // The stored spec and audio of a job (for failover and backlog hand-off); nullopt once retention is over.
  boost::asio::awaitable<result<std::optional<job_payload>>> load_job(const std::string& job_id);

  // Faults. Calls whose failure the scheduler reports (dispatch, reassign, heartbeat) carry a deadline on the Redis
  // clock; sync_clock() measures the offset to that clock (until it has, no deadline is sent). A call without a
  // reply in time fails with errc::outcome_unknown; one refused by its deadline with errc::too_late.
  boost::asio::awaitable<bool> sync_clock();
  bool clock_synced() const { return clock_offset_ms_.has_value(); }
  std::int64_t clock_offset_ms() const { return clock_offset_ms_.value_or(0); }
  std::int64_t clock_error_ms() const { return clock_error_ms_; }
  // Makes "not dispatched" true for a dispatch whose reply timed out: fails the job if it exists and runs.
  boost::asio::awaitable<result<abandon_outcome>> abandon(const std::string& job_id);
  // Deletes the payloads of jobs that ended in a batch script (backlog timeouts of expire_deadlines).
  boost::asio::awaitable<bool> drop_payloads(const std::vector<std::string>& job_ids);
  // Compares the epoch key with the one this instance knows ("" at start); writes one when missing.
  boost::asio::awaitable<result<epoch_check>> check_epoch(const std::string& known);
  // The jobs whose current attempt is on the node (a node registering on a fresh socket: fail them over).
  boost::asio::awaitable<result<std::vector<placed_job>>> node_jobs(const std::string& node_id);
  // What became of each job (read only), in the order asked (job_outcomes.cpp).
  boost::asio::awaitable<result<std::vector<job_standing>>> job_outcomes(const std::vector<std::string>& job_ids);

 private:
  std::vector<std::string> selection_args() const;
  std::string deadline_arg() const;
  std::int64_t payload_ttl_ms(const job_requirements& req) const;
  boost::asio::awaitable<result<redis::reply>> run(const char* name, std::vector<std::string> extra_keys,
                                                   std::vector<std::string> args);

  redis::client& redis_;
  state_config config_;
  state_keys keys_;
  std::vector<redis::script> scripts_;
  std::optional<std::int64_t> clock_offset_ms_;  // Redis clock minus this host's, ms
  std::int64_t clock_error_ms_ = 0;
};

}  // namespace lingua::state
