// dispatch_bench: what one job costs the scheduler's shared state in Redis. Each fleet size gets a private
// redis-server (unix socket, no persistence) with its nodes registered; all fleets stay up together and jobs are
// driven through scheduler_state as dispatch + complete pairs (sequential, pipelined, and batched to tell the two
// scripts apart) in rounds interleaved across fleets, with INFO commandstats and INFO cpu read around every run.
// Exits 1 when any dispatch is not assigned, any complete is not "completed", Redis counted other round trips
// than the jobs' or jobs were left holding slots; 2 when the benchmark could not run at all.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "drive.hpp"
#include "fleet.hpp"
#include "job_runs.hpp"
#include "measure.hpp"
#include "redis/client.hpp"
#include "redis_meter.hpp"
#include "report.hpp"

namespace lingua::bench {
namespace {
namespace net = boost::asio;

struct bench_options {
  std::vector<std::size_t> nodes{10, 1000, 100000};
  std::size_t jobs = 20000;  // per measured configuration, spread over the rounds
  std::size_t rounds = 10;
  std::size_t warmup = 2000;
  std::size_t workers = 64;
  std::size_t in_flight = 256;
  std::uint32_t capacity = 1000;
  std::size_t batch = 200;
  std::size_t audio_bytes = 256;
  std::vector<int> samples{1, 2, 3, 5, 8};
  std::size_t sample_nodes = 1000;
  std::vector<std::size_t> payload_bytes{32768};
  std::size_t connections = 2;
};

std::string redis_version_of(net::io_context& io, redis::client& redis) {
  const auto answer = await(io, redis.command(redis::arguments("INFO", "server")));
  const std::string& text = answer.value.str();
  const std::string key = "redis_version:";
  const auto at = text.find(key);
  if (at == std::string::npos) return "unknown";
  const auto end = text.find_first_of("\r\n", at);
  return text.substr(at + key.size(), end - at - key.size());
}

std::string round_label(const std::string& what, std::size_t round) { return what + "-r" + std::to_string(round); }

// Every fleet size: sequential, pipelined and split runs, round after round, interleaved across the fleets.
void measure_fleets(const bench_options& options, net::io_context& io,
                    std::vector<std::unique_ptr<fleet_under_test>>& fleets, bench_report& report,
                    run_check& overall) {
  const std::size_t per_round = std::max<std::size_t>(1, options.jobs / options.rounds);
  const std::string in_flight = "pipelined, " + std::to_string(options.workers) + " in flight";
  report.pairs.resize(3 * fleets.size());
  report.splits.resize(fleets.size());
  for (std::size_t f = 0; f < fleets.size(); ++f) {
    report.pairs[3 * f].mode = "sequential";
    report.pairs[3 * f + 1].mode = in_flight;
    report.pairs[3 * f + 2].mode = in_flight + ", sticky";
  }
  for (std::size_t round = 0; round < options.rounds; ++round) {
    measure_trivial(io, *fleets.front(), per_round, report.trivial, overall);
    for (std::size_t f = 0; f < fleets.size(); ++f) {
      fleet_under_test& fleet = *fleets[f];
      measure_pairs(io, fleet, *fleet.state, round_label("seq", round), per_round, 1, options.audio_bytes,
                    report.pairs[3 * f], overall);
      measure_pairs(io, fleet, *fleet.state, round_label("pipe", round), per_round, options.workers,
                    options.audio_bytes, report.pairs[3 * f + 1], overall);
      measure_pairs(io, fleet, *fleet.state, round_label("sticky", round), per_round, options.workers,
                    options.audio_bytes, report.pairs[3 * f + 2], overall, true);
      measure_split(io, fleet, *fleet.state, round_label("split", round), per_round, options.batch,
                    options.audio_bytes, report.splits[f], overall);
    }
  }
}

// One fleet size: each sample size, then each audio size, round after round, interleaved.
void measure_settings(const bench_options& options, net::io_context& io, fleet_under_test& fleet,
                      bench_report& report, run_check& overall) {
  const std::size_t per_round = std::max<std::size_t>(1, options.jobs / options.rounds);
  std::vector<std::unique_ptr<state::scheduler_state>> sampled;
  for (int sample : options.samples) {
    state::state_config config = fleet.state->config();
    config.sample_size = sample;
    sampled.push_back(std::make_unique<state::scheduler_state>(*fleet.redis, config));
  }
  std::vector<std::size_t> sizes{options.audio_bytes};
  sizes.insert(sizes.end(), options.payload_bytes.begin(), options.payload_bytes.end());
  report.samples.resize(sampled.size());
  report.payloads.resize(sizes.size());
  for (auto& row : report.payloads) row.mode = "sequential";
  for (std::size_t round = 0; round < options.rounds; ++round) {
    for (std::size_t i = 0; i < sampled.size(); ++i) {
      const std::string what = "sample" + std::to_string(options.samples[i]);
      measure_split(io, fleet, *sampled[i], round_label(what, round), per_round, options.batch, options.audio_bytes,
                    report.samples[i], overall);
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const std::string what = "audio" + std::to_string(sizes[i]);
      measure_pairs(io, fleet, *fleet.state, round_label(what, round), per_round, 1, sizes[i], report.payloads[i],
                    overall);
    }
  }
}

void run_bench(const bench_options& options, bench_report& report, run_check& overall) {
  net::io_context io;
  std::vector<std::unique_ptr<fleet_under_test>> fleets;
  const fleet_options setup{options.in_flight, options.capacity, options.connections};
  for (std::size_t nodes : options.nodes) {
    std::fprintf(stderr, "registering %zu nodes\n", nodes);
    fleets.push_back(start_fleet(io, nodes, setup));
    const registration& registered = fleets.back()->registered;
    if (registered.failures > 0) {
      overall.fail("registering " + std::to_string(nodes) + " nodes: " + std::to_string(registered.failures) +
                   " failure(s), first: " + registered.first_failure);
    }
    report.registrations.push_back(registered);
  }
  print_machine(redis_version_of(io, *fleets.front()->redis));
  // Loads dispatch_task and complete_task into each Redis (first EVALSHA: NOSCRIPT, SCRIPT LOAD), warms caches.
  for (auto& fleet : fleets) {
    const pair_run warm = run_pairs(io, *fleet->state, "warm", options.warmup, options.workers, options.audio_bytes);
    if (warm.check.failures > 0) overall.fail("warm-up: " + warm.check.first_failure);
  }
  measure_fleets(options, io, fleets, report, overall);
  for (auto& fleet : fleets) {
    if (fleet->nodes == options.sample_nodes) measure_settings(options, io, *fleet, report, overall);
  }
  for (auto& fleet : fleets) stop_fleet(io, *fleet);
}

}  // namespace
}  // namespace lingua::bench

int main(int argc, char** argv) {
  using namespace lingua::bench;
  bench_options options;
  bool quick = false;
  CLI::App app{"dispatch_bench: Redis cost of dispatch + complete per job, by fleet size"};
  app.add_flag("--quick", quick, "CI smoke check: 10 and 1000 nodes, 300 jobs per configuration");
  auto* nodes = app.add_option("--nodes", options.nodes, "fleet sizes")->delimiter(',');
  auto* jobs = app.add_option("--jobs", options.jobs, "jobs per measured configuration (over all rounds)");
  auto* rounds = app.add_option("--rounds", options.rounds, "rounds each configuration's jobs are spread over");
  auto* warmup = app.add_option("--warmup", options.warmup, "jobs before the measured runs of a fleet");
  auto* workers = app.add_option("--workers", options.workers, "jobs in flight in the pipelined run");
  app.add_option("--in-flight", options.in_flight, "registrations in flight");
  app.add_option("--capacity", options.capacity, "max_concurrent_jobs of every node");
  app.add_option("--batch", options.batch, "jobs per batch when dispatch and complete are measured apart");
  app.add_option("--audio-bytes", options.audio_bytes, "audio bytes per job");
  app.add_option("--samples", options.samples, "sample sizes to compare")->delimiter(',');
  app.add_option("--sample-nodes", options.sample_nodes, "fleet size of the sample-size and payload runs");
  auto* payloads = app.add_option("--payload-bytes", options.payload_bytes, "extra audio sizes")->delimiter(',');
  app.add_option("--connections", options.connections, "Redis client connections");
  CLI11_PARSE(app, argc, argv);
  if (quick) {
    if (nodes->count() == 0) options.nodes = {10, 1000};
    if (jobs->count() == 0) options.jobs = 300;
    if (rounds->count() == 0) options.rounds = 2;
    if (warmup->count() == 0) options.warmup = 100;
    if (workers->count() == 0) options.workers = 16;
    if (payloads->count() == 0) options.payload_bytes = {4096};
  }

  if (options.nodes.empty() || options.rounds == 0 || options.workers == 0 || options.batch == 0) {
    std::fprintf(stderr, "dispatch_bench: --nodes, --rounds, --workers and --batch must not be empty or 0\n");
    return 2;
  }

  spdlog::set_level(spdlog::level::warn);  // the client's connection notices would land amid the tables
  bench_report report;
  report.rounds = options.rounds;
  run_check overall;
  try {
    run_bench(options, report, overall);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dispatch_bench: %s\n", e.what());
    return 2;
  }
  print_report(report);
  if (overall.failures > 0) {
    std::fprintf(stderr, "dispatch_bench: FAILED, %zu failure(s); first: %s\n", overall.failures,
                 overall.first_failure.c_str());
    return 1;
  }
  return 0;
}
