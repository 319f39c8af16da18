#include "bench_report.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

namespace lingua::bench {

namespace {

double per(double value, std::uint64_t count) { return count == 0 ? 0 : value / static_cast<double>(count); }

nlohmann::json latency_json(latency_series& s) {
  return {{"count", s.size()},           {"mean_us", s.mean()},           {"p50_us", s.quantile(0.50)},
          {"p90_us", s.quantile(0.90)},  {"p99_us", s.quantile(0.99)},    {"p999_us", s.quantile(0.999)},
          {"max_us", s.quantile(1.0)}};
}

void print_latency(const char* name, latency_series& s) {
  std::printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", name, s.size(), s.mean() / 1000,
              s.quantile(0.5) / 1000, s.quantile(0.9) / 1000, s.quantile(0.99) / 1000, s.quantile(0.999) / 1000,
              s.quantile(1.0) / 1000);
}

}  // namespace

std::string report_json(const bench_options& o, bench_result& r) {
  const auto s = r.record.summarise();
  nlohmann::json out = {
      {"instances", r.instances},
      {"nodes", r.nodes_registered},
      {"sessions", o.sessions},
      {"window", o.window},
      {"rate", o.rate},
      {"offered_per_second", r.offered_rate},
      {"streams", o.streams},
      {"rooms", o.rooms},
      {"idle_sessions", o.idle_sessions},
      {"audio_bytes", o.audio_bytes},
      {"window_seconds", s.window_seconds},
      {"jobs", s.window_jobs},
      {"deliveries", s.window_deliveries},
      {"jobs_per_second", per(static_cast<double>(s.window_jobs), 1) / std::max(s.window_seconds, 1e-9)},
      {"utterances_sent", s.utterances_sent},
      {"expected", s.expected},
      {"delivered", s.delivered},
      {"lost", s.lost},
      {"refused", s.refused},
      {"duplicates", s.duplicates},
      {"reassigned", s.reassigned},
      {"unexpected", s.unexpected},
      {"errors", s.errors},
      {"dispatch", latency_json(r.record.dispatch)},
      {"return", latency_json(r.record.return_path)},
      {"end_to_end", latency_json(r.record.end_to_end)},
      {"stream_dispatch", latency_json(r.record.stream_dispatch)},
      {"stream_end_to_end", latency_json(r.record.stream_end_to_end)},
      {"bench_cpu_us_per_job", per(r.bench_cpu_seconds * 1e6, s.window_jobs)},
      {"idle_scheduler_rss_bytes_per_session", r.idle_rss_per_session},
      {"idle_redis_bytes_per_session", r.idle_redis_bytes_per_session},
  };
  if (r.scheduler_measured) {
    out["scheduler_cpu_us_per_job"] = per(r.scheduler_cpu_seconds * 1e6, s.window_jobs);
    out["scheduler_cpu_cores"] = r.scheduler_cpu_seconds / std::max(s.window_seconds, 1e-9);
    out["scheduler_rss_bytes"] = r.scheduler_rss_end;
  }
  if (r.redis) {
    const auto& c = *r.redis;
    out["redis_commands_per_job"] = per(static_cast<double>(c.script_calls + c.inner_calls), s.window_jobs);
    out["redis_scripts_per_job"] = per(static_cast<double>(c.script_calls), s.window_jobs);
    out["redis_script_us_per_job"] = per(static_cast<double>(c.script_usec), s.window_jobs);
    out["redis_cpu_us_per_job"] = per(c.cpu_usec, s.window_jobs);
    nlohmann::json commands = nlohmann::json::object();
    for (const auto& [name, tally] : c.inner) commands[name] = per(static_cast<double>(tally.calls), s.window_jobs);
    out["redis_inner_commands_per_job"] = commands;
  }
  return out.dump(2);
}

void print_report(const bench_options& o, bench_result& r) {
  const auto s = r.record.summarise();
  const double seconds = std::max(s.window_seconds, 1e-9);
  std::printf("## lingua-bench: %zu instance(s), %zu nodes, %zu utterance sessions (%s), %zu streams, %zu rooms x %zu "
              "listeners, %zu idle sessions\n\n",
              r.instances, r.nodes_registered, o.sessions,
              o.rate > 0 ? ("fixed rate " + std::to_string(static_cast<long>(o.rate)) + "/s").c_str()
                         : ("closed loop, window " + std::to_string(o.window)).c_str(),
              o.streams, o.rooms, o.listeners, o.idle_sessions);
  std::printf("- window %.2f s: %llu jobs (%.0f jobs/s), %llu results delivered (%.0f/s)%s\n", s.window_seconds,
              static_cast<unsigned long long>(s.window_jobs), static_cast<double>(s.window_jobs) / seconds,
              static_cast<unsigned long long>(s.window_deliveries),
              static_cast<double>(s.window_deliveries) / seconds,
              o.rate > 0 ? (", offered " + std::to_string(static_cast<long>(r.offered_rate)) + " utterances/s").c_str()
                         : "");
  std::printf("- measured utterances %llu, expected results %llu, delivered %llu, refused %llu, **lost %llu, "
              "duplicates %llu**, reassigned %llu, unexpected %llu\n",
              static_cast<unsigned long long>(s.utterances_sent), static_cast<unsigned long long>(s.expected),
              static_cast<unsigned long long>(s.delivered), static_cast<unsigned long long>(s.refused),
              static_cast<unsigned long long>(s.lost),
              static_cast<unsigned long long>(s.duplicates), static_cast<unsigned long long>(s.reassigned),
              static_cast<unsigned long long>(s.unexpected));
  std::printf("- errors:");
  if (s.errors.empty()) std::printf(" none");
  for (const auto& [code, count] : s.errors) std::printf(" %s=%llu", code.c_str(), static_cast<unsigned long long>(count));
  std::printf("\n");
  if (r.scheduler_measured) {
    std::printf("- scheduler: %.1f µs CPU per job (%.2f cores over the window), RSS %.1f MB at the end\n",
                per(r.scheduler_cpu_seconds * 1e6, s.window_jobs), r.scheduler_cpu_seconds / seconds,
                static_cast<double>(r.scheduler_rss_end) / 1e6);
  }
  if (r.redis) {
    const auto& c = *r.redis;
    std::printf("- Redis: %.1f commands per job (%.2f EVALSHA + %.1f inner/other), %.1f µs script time per job, "
                "%.1f µs CPU per job (INFO cpu)\n",
                per(static_cast<double>(c.script_calls + c.inner_calls), s.window_jobs),
                per(static_cast<double>(c.script_calls), s.window_jobs),
                per(static_cast<double>(c.inner_calls), s.window_jobs), per(static_cast<double>(c.script_usec), s.window_jobs),
                per(c.cpu_usec, s.window_jobs));
    std::vector<std::pair<std::string, command_tally>> top(c.inner.begin(), c.inner.end());
    std::sort(top.begin(), top.end(), [](auto& a, auto& b) { return a.second.calls > b.second.calls; });
    std::printf("  - per job:");
    for (std::size_t i = 0; i < std::min<std::size_t>(top.size(), 12); ++i) {
      std::printf(" %s %.2f", top[i].first.c_str(), per(static_cast<double>(top[i].second.calls), s.window_jobs));
    }
    std::printf("\n");
  }
  std::printf("- bench itself: %.1f µs CPU per job\n", per(r.bench_cpu_seconds * 1e6, s.window_jobs));
  if (o.idle_sessions > 0) {
    std::printf("- idle sessions: %.0f bytes of scheduler RSS and %.0f bytes of Redis memory each\n",
                r.idle_rss_per_session, r.idle_redis_bytes_per_session);
  }
  std::printf("\n| latency (ms) | count | mean | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
  print_latency("dispatch (utterance sent → job_assign at the node)", r.record.dispatch);
  print_latency("return (job_result sent → translation_result)", r.record.return_path);
  print_latency("end to end (utterance sent → translation_result)", r.record.end_to_end);
  if (o.streams > 0) {
    print_latency("audio path: dispatch (cut sent → job_assign; includes the hangover)", r.record.stream_dispatch);
    print_latency("audio path: end to end (cut sent → translation_result)", r.record.stream_end_to_end);
  }
  std::printf("\n");
}

std::string check_sane(bench_result& r) {
  if (!r.failure.empty()) return r.failure;
  const auto s = r.record.summarise();
  if (s.window_jobs == 0 || s.delivered == 0) return "no job completed";
  if (s.lost > 0) return std::to_string(s.lost) + " results lost";
  if (s.duplicates > 0) return std::to_string(s.duplicates) + " duplicate results";
  if (!s.errors.empty()) return "errors were reported";
  if (r.record.dispatch.size() == 0 || r.record.return_path.size() == 0) return "no latency measured";
  return "";
}

}  // namespace lingua::bench
