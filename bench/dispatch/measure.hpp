#pragma once
// One measured run on a fleet, with Redis's account of it, added to the figures of its kind. The benchmark runs
// every kind in several rounds, interleaved across fleets and settings, so that a noisy minute on a shared machine
// hits all of them alike; the per-round spread of the Redis time shows how noisy it was.
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "fleet.hpp"
#include "job_runs.hpp"
#include "redis_meter.hpp"

namespace lingua::bench {

// Dispatch + complete pairs (sequential or pipelined).
struct pair_figures {
  std::size_t nodes = 0;
  std::string mode;  // "sequential" | "pipelined, 64 in flight"
  std::size_t audio_bytes = 0;
  pair_run pairs;
  redis_cost cost;
  std::vector<double> round_usec;  // Redis µs per job (EVALSHA usec) of each round
};

// Batched runs that measured dispatch and complete apart.
struct split_figures {
  std::size_t nodes = 0;
  int sample_size = 0;
  phase_run phases;
  std::vector<double> round_dispatch_usec;  // Redis µs per dispatch of each round
};

// The machine's speed at the moment, in Redis's units: sequential EVALSHAs of a script that only returns 1.
struct trivial_figures {
  std::size_t calls = 0;
  redis_cost cost;
  std::vector<double> round_usec;  // usec per EVALSHA of each round
};

void measure_trivial(boost::asio::io_context& io, fleet_under_test& fleet, std::size_t calls, trivial_figures& into,
                     run_check& overall);

// CONFIG RESETSTAT, reading, `jobs` pairs with `workers` in flight, reading. Checks that Redis saw exactly two
// EVALSHA per job and that no job holds a slot afterwards; failures go to `overall`.
void measure_pairs(boost::asio::io_context& io, fleet_under_test& fleet, state::scheduler_state& state,
                   const std::string& label, std::size_t jobs, std::size_t workers, std::size_t audio_bytes,
                   pair_figures& into, run_check& overall, bool sticky = false);

// run_phases with the same checks.
void measure_split(boost::asio::io_context& io, fleet_under_test& fleet, state::scheduler_state& state,
                   const std::string& label, std::size_t jobs, std::size_t batch, std::size_t audio_bytes,
                   split_figures& into, run_check& overall);

}  // namespace lingua::bench
