#include "measure.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdio>

#include "drive.hpp"
#include "redis/script.hpp"

namespace lingua::bench {
namespace {

void absorb(run_check& overall, const std::string& label, const run_check& check) {
  if (check.failures == 0) return;
  overall.fail(label + ": " + std::to_string(check.failures) + " failure(s), first: " + check.first_failure);
  overall.failures += check.failures - 1;
}

void expect_clean_state(boost::asio::io_context& io, fleet_under_test& fleet, state::scheduler_state& state,
                        const std::string& label, run_check& overall) {
  const long long left = leftover_jobs(io, *fleet.redis, state.keys());
  if (left != 0) overall.fail(label + ": " + std::to_string(left) + " jobs still hold slots or wait");
}

void append(std::vector<double>& into, const std::vector<double>& from) {
  into.insert(into.end(), from.begin(), from.end());
}

void merge(pair_run& into, const pair_run& from) {
  into.jobs += from.jobs;
  into.workers = from.workers;
  into.seconds += from.seconds;
  into.client_cpu_usec += from.client_cpu_usec;
  append(into.pair_us, from.pair_us);
  append(into.dispatch_us, from.dispatch_us);
  append(into.complete_us, from.complete_us);
}

double per_job(std::int64_t usec, std::size_t jobs) {
  return jobs == 0 ? 0 : static_cast<double>(usec) / static_cast<double>(jobs);
}

void report_progress(const std::string& label, std::size_t nodes, std::size_t jobs, double seconds) {
  std::fprintf(stderr, "  %-16s %7zu nodes %6zu jobs in %.2f s\n", label.c_str(), nodes, jobs, seconds);
}

boost::asio::awaitable<std::size_t> call_trivial(redis::client* redis, const redis::script* trivial,
                                                std::size_t calls) {
  const std::vector<std::string> none;
  std::size_t failures = 0;
  for (std::size_t i = 0; i < calls; ++i) {
    redis::result answer = co_await trivial->call(*redis, none, none);
    if (!answer.ok()) ++failures;
  }
  co_return failures;
}

}  // namespace

void measure_trivial(boost::asio::io_context& io, fleet_under_test& fleet, std::size_t calls, trivial_figures& into,
                     run_check& overall) {
  static const redis::script trivial("trivial", "return 1");
  await(io, call_trivial(fleet.redis.get(), &trivial, 1));  // loads it (NOSCRIPT, SCRIPT LOAD) outside the count
  if (!await(io, reset_redis_stats(*fleet.redis))) overall.fail("trivial: CONFIG RESETSTAT failed");
  const auto before = await(io, read_redis(*fleet.redis));
  const std::size_t failures = await(io, call_trivial(fleet.redis.get(), &trivial, calls));
  const auto after = await(io, read_redis(*fleet.redis));
  if (failures > 0) overall.fail("trivial: " + std::to_string(failures) + " EVALSHA failed");
  if (!before || !after) {
    overall.fail("trivial: INFO commandstats cpu gave no usable answer");
    return;
  }
  const redis_cost cost = cost_between(*before, *after);
  into.calls += calls;
  into.cost += cost;
  into.round_usec.push_back(per_job(cost.script_usec, calls));
}

void measure_pairs(boost::asio::io_context& io, fleet_under_test& fleet, state::scheduler_state& state,
                   const std::string& label, std::size_t jobs, std::size_t workers, std::size_t audio_bytes,
                   pair_figures& into, run_check& overall, bool sticky) {
  into.nodes = fleet.nodes;
  into.audio_bytes = audio_bytes;
  if (!await(io, reset_redis_stats(*fleet.redis))) overall.fail(label + ": CONFIG RESETSTAT failed");
  const auto before = await(io, read_redis(*fleet.redis));
  const pair_run run = run_pairs(io, state, label, jobs, workers, audio_bytes, sticky);
  const auto after = await(io, read_redis(*fleet.redis));
  absorb(overall, label, run.check);
  merge(into.pairs, run);
  if (!before || !after) {
    overall.fail(label + ": INFO commandstats cpu gave no usable answer");
  } else {
    const redis_cost cost = cost_between(*before, *after);
    const auto expected = static_cast<std::int64_t>(2 * jobs);
    if (cost.script_calls != expected) {
      overall.fail(label + ": Redis counted " + std::to_string(cost.script_calls) + " EVALSHA, expected " +
                   std::to_string(expected));
    }
    into.cost += cost;
    into.round_usec.push_back(per_job(cost.script_usec, jobs));
  }
  expect_clean_state(io, fleet, state, label, overall);
  report_progress(label, fleet.nodes, jobs, run.seconds);
}

void measure_split(boost::asio::io_context& io, fleet_under_test& fleet, state::scheduler_state& state,
                   const std::string& label, std::size_t jobs, std::size_t batch, std::size_t audio_bytes,
                   split_figures& into, run_check& overall) {
  into.nodes = fleet.nodes;
  into.sample_size = state.config().sample_size;
  if (!await(io, reset_redis_stats(*fleet.redis))) overall.fail(label + ": CONFIG RESETSTAT failed");
  const phase_run run = run_phases(io, *fleet.redis, state, label, jobs, batch, audio_bytes);
  absorb(overall, label, run.pairs.check);
  const auto expected = static_cast<std::int64_t>(jobs);
  if (run.dispatch_cost.script_calls != expected || run.complete_cost.script_calls != expected) {
    overall.fail(label + ": Redis counted other EVALSHA calls than one dispatch and one complete per job");
  }
  merge(into.phases.pairs, run.pairs);
  into.phases.dispatch_cost += run.dispatch_cost;
  into.phases.complete_cost += run.complete_cost;
  into.round_dispatch_usec.push_back(per_job(run.dispatch_cost.script_usec, jobs));
  expect_clean_state(io, fleet, state, label, overall);
  report_progress(label, fleet.nodes, jobs, run.pairs.seconds);
}

}  // namespace lingua::bench
