#pragma once
// One lingua-bench run: the scenario (what connects, what it sends) and what was measured.
#include <sys/types.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../dispatch/redis_meter.hpp"
#include "process_meter.hpp"
#include "recorder.hpp"
#include "sim_node.hpp"
#include "ws_peer.hpp"

namespace lingua::bench {

struct bench_options {
  // Where: instances started by the bench (on a Redis it starts) or running ones.
  std::size_t instances = 1;
  std::vector<std::string> urls;           // ws://host:port of running instances (then nothing is started)
  std::string redis;                       // their Redis, for its figures (redis://… or unix://…)
  std::vector<pid_t> scheduler_pids;       // their processes, for CPU and RSS
  std::vector<std::string> scheduler_args;  // extra flags for started instances
  // Nodes.
  std::size_t nodes = 10;
  node_profile node;
  // Sessions.
  std::size_t sessions = 16;  // utterance sessions
  std::size_t window = 1;     // closed loop: in flight per session
  double rate = 0;            // > 0: fixed rate, utterances/s over all utterance sessions (window ignored)
  std::size_t audio_bytes = 6400;
  std::size_t streams = 0;    // audio_chunk sessions
  std::size_t phrase_chunks = 8;
  std::size_t chunk_packets = 13;
  std::chrono::milliseconds chunk_interval{256};
  std::size_t idle_sessions = 0;
  std::size_t rooms = 0;
  std::size_t listeners = 10;
  std::vector<std::string> room_languages = {"zh", "ja", "de"};
  // Timing.
  double warmup_seconds = 1;
  double duration_seconds = 5;
  double drain_seconds = 5;
  bool progress = true;
};

struct bench_result {
  recorder record;
  std::size_t instances = 0;
  std::size_t nodes_registered = 0;
  std::size_t sessions_ready = 0;
  std::optional<redis_cost> redis;       // over the measured window
  double scheduler_cpu_seconds = 0;      // over the measured window, every instance
  std::uint64_t scheduler_rss_end = 0;   // bytes, every instance
  bool scheduler_measured = false;
  double bench_cpu_seconds = 0;
  double offered_rate = 0;               // fixed rate: what the driver actually sent per second
  // Idle sessions: what each cost the scheduler and Redis (bytes).
  double idle_rss_per_session = 0;
  double idle_redis_bytes_per_session = 0;
  std::string failure;                   // set-up failed: why
};

// Runs the whole scenario on `loop` (which it runs); the result is complete when it returns.
bench_result run_bench(const bench_options& options);

}  // namespace lingua::bench
