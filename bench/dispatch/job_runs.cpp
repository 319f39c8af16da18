#include "job_runs.hpp"

#include <sys/resource.h>

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <numeric>

#include "drive.hpp"
#include "fleet.hpp"

namespace lingua::bench {
namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace {

double micros(clock_type::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double process_cpu_usec() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto usec = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
  return usec(usage.ru_utime) + usec(usage.ru_stime);
}

const std::string no_reason;

// Checks one dispatch answer; true when the job was placed.
bool placed_well(const state::result<state::dispatch_outcome>& placed, const std::string& job_id, run_check& check) {
  if (!placed) {
    check.fail("dispatch " + job_id + ": " + placed.error().message());
    return false;
  }
  if (placed->status != state::dispatch_outcome::kind::assigned) {
    check.fail("dispatch " + job_id + ": not assigned (reason '" + placed->reason + "')");
    return false;
  }
  return true;
}

void check_completed(const state::result<state::complete_outcome>& done, const std::string& job_id,
                     run_check& check) {
  if (!done) {
    check.fail("complete " + job_id + ": " + done.error().message());
  } else if (done->status != state::complete_outcome::kind::completed) {
    check.fail("complete " + job_id + ": answer is not 'completed'");
  } else if (!done->handed.empty()) {
    check.fail("complete " + job_id + ": handed waiting jobs on, but nothing should wait");
  }
}

struct pair_cursor {
  state::scheduler_state* state = nullptr;
  std::string run;
  std::size_t audio_bytes = 0;
  std::size_t next = 0;
  std::size_t end = 0;
  pair_run* out = nullptr;
  bool sticky = false;
};

// sticky: each worker is one session that asks for the node of its previous job (the scheduler's sticky sessions).
net::awaitable<void> pair_worker(pair_cursor* cursor) {
  std::string last_node;
  while (cursor->next < cursor->end) {
    const std::size_t index = cursor->next++;
    state::dispatch_request request = job_request(cursor->run, index, cursor->audio_bytes);
    if (cursor->sticky) request.requirements.sticky_node = last_node;
    const auto sent = clock_type::now();
    auto placed = co_await cursor->state->dispatch(request);
    const auto dispatched = clock_type::now();
    if (!placed_well(placed, request.job_id, cursor->out->check)) continue;
    last_node = placed->node_id;
    auto done = co_await cursor->state->complete(placed->job_id, placed->node_id, placed->attempt,
                                                 state::completion::completed, no_reason);
    const auto completed = clock_type::now();
    check_completed(done, request.job_id, cursor->out->check);
    cursor->out->pair_us.push_back(micros(completed - sent));
    cursor->out->dispatch_us.push_back(micros(dispatched - sent));
    cursor->out->complete_us.push_back(micros(completed - dispatched));
  }
}

struct phase_cursor {
  redis::client* redis = nullptr;
  state::scheduler_state* state = nullptr;
  std::string run;
  std::size_t jobs = 0;
  std::size_t batch = 0;
  std::size_t audio_bytes = 0;
  phase_run* out = nullptr;
};

net::awaitable<void> phase_worker(phase_cursor* cursor) {
  phase_run& out = *cursor->out;
  std::vector<state::dispatch_outcome> held;
  for (std::size_t first = 0; first < cursor->jobs; first += cursor->batch) {
    const std::size_t last = std::min(cursor->jobs, first + cursor->batch);
    auto before = co_await read_redis(*cursor->redis);
    held.clear();
    for (std::size_t index = first; index < last; ++index) {
      const state::dispatch_request request = job_request(cursor->run, index, cursor->audio_bytes);
      const auto sent = clock_type::now();
      auto placed = co_await cursor->state->dispatch(request);
      out.pairs.dispatch_us.push_back(micros(clock_type::now() - sent));
      if (placed_well(placed, request.job_id, out.pairs.check)) held.push_back(*placed);
    }
    auto between = co_await read_redis(*cursor->redis);
    for (const auto& job : held) {
      const auto sent = clock_type::now();
      auto done = co_await cursor->state->complete(job.job_id, job.node_id, job.attempt,
                                                   state::completion::completed, no_reason);
      out.pairs.complete_us.push_back(micros(clock_type::now() - sent));
      check_completed(done, job.job_id, out.pairs.check);
    }
    auto after = co_await read_redis(*cursor->redis);
    if (!before || !between || !after) {
      out.pairs.check.fail("INFO commandstats cpu: no usable answer");
      co_return;
    }
    out.dispatch_cost += cost_between(*before, *between);
    out.complete_cost += cost_between(*between, *after);
  }
}

// Outside the coroutine: GCC 12 mis-compiles braced lists (initializer_list arrays) inside coroutines.
constexpr const char* leftover_keys[] = {"node:jobs", "job:backlog"};

net::awaitable<long long> count_leftovers(redis::client* redis, const state::state_keys* keys) {
  long long total = 0;
  for (const char* suffix : leftover_keys) {
    redis::command_args zcard = redis::arguments("ZCARD", keys->key(suffix));
    redis::result answer = co_await redis->command(std::move(zcard));
    const auto count = answer.value.as_integer();
    if (!answer.ok() || !count) co_return -1;
    total += *count;
  }
  co_return total;
}

}  // namespace

void run_check::fail(const std::string& what) {
  if (failures++ == 0) first_failure = what;
}

pair_run run_pairs(net::io_context& io, state::scheduler_state& state, std::string_view run, std::size_t jobs,
                   std::size_t workers, std::size_t audio_bytes, bool sticky) {
  pair_run out;
  out.jobs = jobs;
  out.workers = workers;
  out.pair_us.reserve(jobs);
  out.dispatch_us.reserve(jobs);
  out.complete_us.reserve(jobs);
  pair_cursor cursor{&state, std::string(run), audio_bytes, 0, jobs, &out, sticky};
  const double cpu_before = process_cpu_usec();
  const auto start = clock_type::now();
  drive_workers(io, std::min(workers, jobs), [&](std::size_t) { return pair_worker(&cursor); });
  out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  out.client_cpu_usec = process_cpu_usec() - cpu_before;
  return out;
}

phase_run run_phases(net::io_context& io, redis::client& redis, state::scheduler_state& state, std::string_view run,
                     std::size_t jobs, std::size_t batch, std::size_t audio_bytes) {
  phase_run out;
  out.pairs.jobs = jobs;
  out.pairs.workers = 1;
  phase_cursor cursor{&redis, &state, std::string(run), jobs, std::max<std::size_t>(batch, 1), audio_bytes, &out};
  const double cpu_before = process_cpu_usec();
  const auto start = clock_type::now();
  await(io, phase_worker(&cursor));
  out.pairs.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  out.pairs.client_cpu_usec = process_cpu_usec() - cpu_before;
  return out;
}

long long leftover_jobs(net::io_context& io, redis::client& redis, const state::state_keys& keys) {
  return await(io, count_leftovers(&redis, &keys));
}

latency_summary summarise(std::vector<double> samples) {
  latency_summary out;
  if (samples.empty()) return out;
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    const auto rank = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
    return samples[std::min(rank, samples.size() - 1)];
  };
  out.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  out.p50 = at(0.50);
  out.p99 = at(0.99);
  out.max = samples.back();
  return out;
}

}  // namespace lingua::bench
