#pragma once
// The measured workloads: jobs driven through scheduler_state as dispatch + complete pairs, exactly as the
// scheduler does it (one EVALSHA round trip each). Every dispatch must come back "assigned" and every complete
// "completed" with nothing handed on; anything else is counted as a failure of the run.
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "redis/client.hpp"
#include "redis_meter.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::bench {

struct run_check {
  std::size_t failures = 0;
  std::string first_failure;

  void fail(const std::string& what);
};

struct pair_run {
  std::size_t jobs = 0;
  std::size_t workers = 0;
  double seconds = 0;                // wall time of the whole run
  double client_cpu_usec = 0;        // this process's CPU time over the run
  std::vector<double> pair_us;       // per job, as seen by its worker: dispatch sent -> complete answered
  std::vector<double> dispatch_us;
  std::vector<double> complete_us;
  run_check check;
};

// `jobs` pairs; `workers` coroutines each run one pair at a time (1 = sequential). Job ids are "<run>-<i>".
// `sticky`: each worker asks for the node of its previous job, as a session with sticky sessions on does.
pair_run run_pairs(boost::asio::io_context& io, state::scheduler_state& state, std::string_view run,
                   std::size_t jobs, std::size_t workers, std::size_t audio_bytes, bool sticky = false);

struct phase_run {
  pair_run pairs;
  redis_cost dispatch_cost;  // Redis's account of the dispatches alone
  redis_cost complete_cost;  // and of the completes alone
};

// Sequential, in batches: `batch` dispatches one at a time, then their completes one at a time, with a Redis
// reading between the phases, so each script's cost is measured separately. At most `batch` jobs are held at once.
phase_run run_phases(boost::asio::io_context& io, redis::client& redis, state::scheduler_state& state,
                     std::string_view run, std::size_t jobs, std::size_t batch, std::size_t audio_bytes);

// Slot links plus backlog entries left in the state; 0 after a clean run, -1 when Redis does not answer.
long long leftover_jobs(boost::asio::io_context& io, redis::client& redis, const state::state_keys& keys);

struct latency_summary {
  double mean = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};
latency_summary summarise(std::vector<double> samples);

}  // namespace lingua::bench
