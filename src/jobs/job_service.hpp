#pragma once
// The life of a job from the scheduler's side: placing it (dispatch_task), sending it to its node, following the
// node's acknowledgements and results, failing it over when its node is lost or silent, and telling the owning
// session every step (routing::session_delivery). Every transition is one state script; this class only moves
// messages between the scripts, the sockets and the sessions, so any instance can run any step of any job.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "jobs/backlog_estimate.hpp"
#include "jobs/full_backlog_memory.hpp"
#include "metrics/scheduler_metrics.hpp"
#include "protocol/node_messages.hpp"
#include "logging/job_log.hpp"
#include "routing/router.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::jobs {

struct job_timing {
  std::int64_t ack_timeout_ms = 5000;
  std::int64_t run_timeout_base_ms = 15000;
  std::int64_t run_timeout_per_audio_second_ms = 2000;
  std::int64_t run_timeout_min_ms = 15000;
  std::int64_t run_timeout_max_ms = 60000;
  std::int64_t model_unavailable_ttl_ms = 60000;
  std::int64_t deadline_scan_interval_ms = 250;
  int sweep_batch = 100;
  admission_limits admission;  // how long a new job may be expected to wait in the backlog (backlog_estimate)

  // The time a node gets for one utterance: grows with its audio, clamped.
  std::int64_t run_timeout_for(std::int64_t audio_duration_ms) const;
};

// One job to place, built by the session from an utterance and a target language.
struct job_order {
  std::string job_id;
  std::string job_key;
  protocol::job_assign assign;  // attempt_id and audio are filled when sending
  std::string audio;            // base64 text as job_assign carries it (validated; never decoded here)
  std::int64_t audio_duration_ms = 0;
  state::job_requirements requirements;  // timeouts are filled by dispatch()
  // Placed before and lost (Redis lost its data, or the job's news): admission never refuses it (no backlog bound,
  // no local refusal), as it was admitted once.
  bool admitted = false;
};

struct dispatch_report {
  enum class kind { sent, queued, duplicate, refused, dependency_down };
  kind what = kind::refused;
  std::string node_id;
  std::uint32_t attempt = 0;
  std::string reason;  // refused: the selection reason (NO_POOL, MISSING_SERVICE, ..., BACKLOG_FULL)
  std::string existing_job_id;  // duplicate: the job that carries this key (the same id when placed again)
  std::int64_t backlog_length = 0;  // queued: jobs waiting, this one included; refused BACKLOG_FULL: jobs waiting
  std::int64_t backlog_bound = 0;   // the admission bound the dispatch carried (0: none)
  // Refused BACKLOG_FULL: how long this instance refuses such jobs without asking Redis (0: it does not, no drain
  // rate is known), and how old the answer is (-1: Redis answered this job; >= 0: a remembered answer, ms).
  std::int64_t resume_after_ms = 0;
  std::int64_t known_for_ms = -1;
};

class job_service {
 public:
  job_service(boost::asio::any_io_executor executor, state::scheduler_state& state, routing::router& router,
              job_timing timing);

  const job_timing& timing() const { return timing_; }
  // Dispatch latency, reservation results, job outcomes and failovers are counted here when set (the registry
  // outlives the service).
  void measure(metrics::scheduler_metrics* metrics) { metrics_ = metrics; }
  const boost::asio::any_io_executor& executor() const { return executor_; }
  // The backlog's drain rate as this instance's sessions observe it, and the admission bound from it: sessions
  // report each of their jobs that leaves the backlog (observe), dispatch() asks for the bound.
  backlog_estimate& backlog() { return backlog_; }
  // While dispatch_task's BACKLOG_FULL is known to hold for a requirement set, dispatch() refuses its jobs itself
  // (full_backlog_memory): the same report, no Redis call.
  const full_backlog_memory& full_backlog() const { return full_backlog_; }

  // Places the job and, when a node was chosen, sends it. A send that fails is failed over at once.
  boost::asio::awaitable<dispatch_report> dispatch(job_order order);

  // Node events (the caller has checked that the message's node id is the socket's).
  boost::asio::awaitable<void> on_ack(const std::string& node_id, const std::string& job_id, std::uint32_t attempt);
  boost::asio::awaitable<void> on_partial(const protocol::node_asr_partial& partial);
  // `unavailable_service`: for a MODEL_NOT_AVAILABLE failure, the service type the node lacks (asr, nmt, ...).
  boost::asio::awaitable<void> on_result(const std::string& node_id, protocol::job_result result,
                                         std::optional<std::string> unavailable_service);
  boost::asio::awaitable<void> on_node_lost(const std::string& node_id);
  // The node registered on a fresh socket while holding `jobs` of its previous connection: each moves at once
  // (the node itself stays eligible).
  boost::asio::awaitable<void> on_node_reconnected(const std::string& node_id, const std::vector<state::placed_job>& jobs);
  // Jobs the state handed to a node's free slots (heartbeat, completion, failover): send each.
  boost::asio::awaitable<void> send_handed(const std::string& node_id, const std::vector<state::placed_job>& jobs);

  // What became of jobs a session placed and has not heard the end of (read only; see session_actor::watch_jobs).
  boost::asio::awaitable<state::result<std::vector<state::job_standing>>> standings(
      const std::vector<std::string>& job_ids) {
    return state_.job_outcomes(job_ids);
  }

  // One pass over passed deadlines and silent nodes; run_sweeper() repeats it until stop_sweeper().
  boost::asio::awaitable<void> sweep_once();
  boost::asio::awaitable<void> run_sweeper();
  void stop_sweeper() { sweeping_ = false; }

  // Called (from the sweeper) when Redis lost its data since the last look (the epoch key changed): the app
  // re-registers this instance's nodes and sockets and its sessions place their unfinished jobs again.
  std::function<boost::asio::awaitable<void>()> on_state_lost;
  // One look at the epoch; true when it changed (on_state_lost has then run).
  boost::asio::awaitable<bool> check_epoch();

 private:
  // Coroutine parameters here are references, pointers and scalars: GCC 12 destroys a by-value parameter built
  // from a converted temporary twice.
  // Sends an attempt of a stored job (failover, backlog hand-off): its payload is loaded from Redis.
  boost::asio::awaitable<void> send(const std::string& job_id, const std::string& node_id, std::uint32_t attempt);
  // Sends a written job_assign frame (moved from `frame`, with the frame's language tags moved from `languages`;
  // empty frame: not sendable) and tells the speaker's session, or fails the attempt over when the node is
  // unreachable.
  boost::asio::awaitable<void> deliver(const std::string& job_id, const std::string& node_id, std::uint32_t attempt,
                                       std::string& frame, const std::string& session_id,
                                       std::vector<std::string>& languages, const std::string& trace_id);
  boost::asio::awaitable<void> fail_over(const std::string& job_id, std::uint32_t attempt, state::reassign_reason why,
                                         const std::string& old_node, bool cancel_old);
  // A dispatch whose reply timed out: fail the job in the state if the script ran after all (retried while Redis
  // is unreachable, bounded), cancel it on its node. Spawned: the session has its answer already.
  void abandon_in_background(const std::string& job_id);
  boost::asio::awaitable<void> abandon(std::string job_id);
  boost::asio::awaitable<void> tell_session(const std::string& session_id, routing::session_delivery delivery);
  // The job ended here (outcome completed, empty, failed or timed_out): one info line with its fields, one count.
  void job_ended(const logging::job_fields& fields, std::string_view message);

  boost::asio::any_io_executor executor_;
  state::scheduler_state& state_;
  routing::router& router_;
  job_timing timing_;
  backlog_estimate backlog_;
  full_backlog_memory full_backlog_;
  metrics::scheduler_metrics* metrics_ = nullptr;
  bool sweeping_ = true;
  std::string epoch_;  // the Redis epoch this instance knows ("" until first read)
};

}  // namespace lingua::jobs
