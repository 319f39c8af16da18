#include "report.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

namespace lingua::bench {

namespace {

double per(double total, std::size_t count) { return count == 0 ? 0 : total / static_cast<double>(count); }
double per(std::int64_t total, std::size_t count) { return per(static_cast<double>(total), count); }

std::string first_line_with(const char* path, const std::string& prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(prefix)) return line;
  }
  return "";
}

std::string cpu_model() {
  const std::string line = first_line_with("/proc/cpuinfo", "model name");
  const auto colon = line.find(':');
  return colon == std::string::npos ? "unknown" : line.substr(colon + 2);
}

// "median (min–max)" of the per-round figures.
std::string spread(std::vector<double> rounds) {
  if (rounds.empty()) return "-";
  std::sort(rounds.begin(), rounds.end());
  const std::size_t n = rounds.size();
  const double median = n % 2 == 1 ? rounds[n / 2] : (rounds[n / 2 - 1] + rounds[n / 2]) / 2;
  char text[64];
  std::snprintf(text, sizeof text, "%.1f (%.1f–%.1f)", median, rounds.front(), rounds.back());
  return text;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

void print_trivial(const trivial_figures& t) {
  std::printf("\n### Calibration: a trivial EVALSHA (`return 1`), sequential\n\n");
  std::printf("| calls | Redis µs / call (EVALSHA usec) | rounds: median (min–max) | Redis CPU µs / call (INFO cpu) |\n"
              "|---:|---:|---|---:|\n");
  std::printf("| %zu | %.2f | %s | %.2f |\n", t.calls, per(t.cost.script_usec, t.calls), spread(t.round_usec).c_str(),
              per(t.cost.cpu_usec, t.calls));
}

void print_registrations(const std::vector<registration>& rows) {
  std::printf("\n### Registering the fleet (register_node + heartbeat per node, pipelined)\n\n");
  std::printf("| nodes | seconds | nodes/s |\n|---:|---:|---:|\n");
  for (const auto& r : rows) {
    std::printf("| %zu | %.2f | %.0f |\n", r.nodes, r.seconds, static_cast<double>(r.nodes) / r.seconds);
  }
}

void print_pairs(const std::vector<pair_figures>& rows) {
  std::printf("\n### Dispatch + complete (per job = one dispatch_task + one complete_task EVALSHA)\n\n");
  std::printf(
      "| nodes | mode | jobs | jobs/s | latency per job mean / p50 / p99 (µs) | EVALSHA / job | inner cmds / job |"
      " Redis µs / job (EVALSHA usec) | rounds: median (min–max) | of it inner-cmd µs | Redis CPU µs / job (INFO cpu) |"
      " client CPU µs / job |\n");
  std::printf("|---:|---|---:|---:|---|---:|---:|---:|---|---:|---:|---:|\n");
  for (const auto& r : rows) {
    const std::size_t jobs = r.pairs.jobs;
    const latency_summary pair = summarise(r.pairs.pair_us);
    std::printf("| %zu | %s | %zu | %.0f | %.0f / %.0f / %.0f | %.2f | %.1f | %.1f | %s | %.1f | %.1f | %.1f |\n",
                r.nodes, r.mode.c_str(), jobs, static_cast<double>(jobs) / r.pairs.seconds, pair.mean, pair.p50,
                pair.p99, per(r.cost.script_calls, jobs), per(r.cost.inner_calls, jobs), per(r.cost.script_usec, jobs),
                spread(r.round_usec).c_str(), per(r.cost.inner_usec, jobs), per(r.cost.cpu_usec, jobs),
                per(r.pairs.client_cpu_usec, jobs));
  }
}

void print_splits(const char* title, const std::vector<split_figures>& rows) {
  std::printf("\n### %s\n\n", title);
  std::printf(
      "| nodes | sample_size | jobs | inner cmds / dispatch | Redis µs / dispatch | rounds: median (min–max) |"
      " inner cmds / complete | Redis µs / complete | Redis CPU µs / job (INFO cpu) | dispatch latency p50 / p99 (µs) |\n");
  std::printf("|---:|---:|---:|---:|---:|---|---:|---:|---:|---|\n");
  for (const auto& r : rows) {
    const std::size_t jobs = r.phases.pairs.jobs;
    const redis_cost& d = r.phases.dispatch_cost;
    const redis_cost& c = r.phases.complete_cost;
    const latency_summary latency = summarise(r.phases.pairs.dispatch_us);
    std::printf("| %zu | %d | %zu | %.1f | %.1f | %s | %.1f | %.1f | %.1f | %.0f / %.0f |\n", r.nodes, r.sample_size,
                jobs, per(d.inner_calls, jobs), per(d.script_usec, jobs), spread(r.round_dispatch_usec).c_str(),
                per(c.inner_calls, jobs), per(c.script_usec, jobs), per(d.cpu_usec + c.cpu_usec, jobs), latency.p50,
                latency.p99);
  }
}

void print_payloads(const std::vector<pair_figures>& rows) {
  if (rows.empty()) return;
  std::printf("\n### Audio payload size (sequential)\n\n");
  std::printf("| nodes | audio bytes / job | jobs | Redis µs / job (EVALSHA usec) | rounds: median (min–max) |"
              " Redis CPU µs / job (INFO cpu) | latency per job p50 / p99 (µs) |\n|---:|---:|---:|---:|---|---:|---|\n");
  for (const auto& r : rows) {
    const std::size_t jobs = r.pairs.jobs;
    const latency_summary pair = summarise(r.pairs.pair_us);
    std::printf("| %zu | %zu | %zu | %.1f | %s | %.1f | %.0f / %.0f |\n", r.nodes, r.audio_bytes, jobs,
                per(r.cost.script_usec, jobs), spread(r.round_usec).c_str(), per(r.cost.cpu_usec, jobs), pair.p50,
                pair.p99);
  }
}

void print_breakdown(const split_figures& r) {
  const std::size_t jobs = r.phases.pairs.jobs;
  const redis_cost& d = r.phases.dispatch_cost;
  const redis_cost& c = r.phases.complete_cost;
  std::printf("\n### Inner commands, %zu nodes, sample_size %d (calls and µs per job)\n\n", r.nodes, r.sample_size);
  std::printf("| command | dispatch calls | dispatch µs | complete calls | complete µs |\n|---|---:|---:|---:|---:|\n");
  std::set<std::string> names;
  for (const auto& [name, tally] : d.inner) names.insert(name);
  for (const auto& [name, tally] : c.inner) names.insert(name);
  for (const auto& name : names) {
    const auto di = d.inner.find(name);
    const auto ci = c.inner.find(name);
    const command_tally dt = di == d.inner.end() ? command_tally{} : di->second;
    const command_tally ct = ci == c.inner.end() ? command_tally{} : ci->second;
    std::printf("| %s | %.2f | %.2f | %.2f | %.2f |\n", name.c_str(), per(dt.calls, jobs), per(dt.usec, jobs),
                per(ct.calls, jobs), per(ct.usec, jobs));
  }
  std::printf("| **all inner** | %.2f | %.2f | %.2f | %.2f |\n", per(d.inner_calls, jobs), per(d.inner_usec, jobs),
              per(c.inner_calls, jobs), per(c.inner_usec, jobs));
  std::printf("| **EVALSHA (whole script)** | %.2f | %.2f | %.2f | %.2f |\n", per(d.script_calls, jobs),
              per(d.script_usec, jobs), per(c.script_calls, jobs), per(c.script_usec, jobs));
}

}  // namespace

void print_machine(const std::string& redis_version) {
  std::printf("## Machine\n\n");
  std::printf("- nproc: %u\n", std::thread::hardware_concurrency());
  std::printf("- CPU: %s\n", cpu_model().c_str());
  std::printf("- redis-server: %s (embedded, unix socket, no persistence)\n", redis_version.c_str());
  std::printf("- load average at start: %s\n", load_average().c_str());
  std::printf("- %s\n- %s\n", std::string(fleet_mix()).c_str(), std::string(job_mix()).c_str());
  std::fflush(stdout);
}

void print_report(const bench_report& report) {
  std::printf("\nEvery configuration's jobs were spread over %zu rounds, interleaved with the other configurations;\n"
              "'rounds: median (min–max)' is over the per-round Redis times.\n", report.rounds);
  print_trivial(report.trivial);
  print_registrations(report.registrations);
  print_pairs(report.pairs);
  print_splits("Dispatch and complete measured apart (sequential, batched)", report.splits);
  print_splits("Sample size (candidates compared per dispatch)", report.samples);
  print_payloads(report.payloads);
  for (const auto& r : report.splits) print_breakdown(r);
  std::printf("\n- load average at end: %s\n", load_average().c_str());
  std::fflush(stdout);
}

}  // namespace lingua::bench
