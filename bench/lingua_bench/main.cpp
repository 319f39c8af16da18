// lingua-bench: a load generator for the Lingua scheduler over real WebSockets (docs/benchmarks.md).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "bench_report.hpp"
#include "bench_run.hpp"
#include "e2e/harness/scheduler_process.hpp"

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using lingua::bench::service_distribution;
  lingua::bench::bench_options o;
  o.node.token = lingua::test::default_node_token;
  CLI::App app{"lingua-bench: simulated nodes and sessions against one or several Lingua schedulers"};
  std::string node_token;
  std::string service = "instant";
  double service_ms = 0;
  double chunk_ms = 256;
  double heartbeat_s = 15;
  std::string room_languages = "zh,ja,de";
  std::string json_path;
  bool check = false;
  bool quiet = false;
  std::vector<int> pids;
  app.add_option("--instances", o.instances, "scheduler instances to start (on a Redis the bench starts)")
      ->check(CLI::Range(1, 64));
  app.add_option("--url", o.urls, "ws://host:port of a running instance (repeat); nothing is started");
  app.add_option("--redis", o.redis, "Redis (redis://host:port or unix:///path): the running instances' (for its figures), or the "
                 "one the started instances use instead of a private one");
  app.add_option("--scheduler-pid", pids, "pid of a running instance (repeat), for its CPU and RSS");
  app.add_option("--scheduler-arg", o.scheduler_args, "extra flag for started instances (repeat), e.g. "
                                                      "--scheduler-arg=--selection.sticky_sessions=false");
  app.add_option("--node-token", node_token, "node token for running instances (started ones use the bench's)");
  app.add_option("--nodes", o.nodes, "simulated nodes (real sockets)");
  app.add_option("--node-slots", o.node.slots, "max_concurrent_jobs of each node");
  app.add_option("--service", service, "service time: instant, fixed, uniform (0..2×mean), exponential")
      ->check(CLI::IsMember({"instant", "fixed", "uniform", "exponential"}));
  app.add_option("--service-ms", service_ms, "mean service time, ms");
  app.add_flag("--node-ack", o.node.send_ack, "nodes send job_ack for every job (the real agent sends none)");
  app.add_option("--heartbeat-s", heartbeat_s, "node heartbeat period, s");
  app.add_option("--sessions", o.sessions, "utterance sessions (the `utterance` path)");
  app.add_option("--window", o.window, "closed loop: utterances in flight per session")->check(CLI::Range(1, 1000));
  app.add_option("--rate", o.rate, "fixed rate: utterances/s over all utterance sessions and room speakers "
                                   "(instead of the closed loop)");
  app.add_option("--audio-bytes", o.audio_bytes, "audio per utterance before base64 (6400 = 200 ms PCM16)");
  app.add_option("--streams", o.streams, "streaming sessions (audio_chunk path at the web client's cadence)");
  app.add_option("--phrase-chunks", o.phrase_chunks, "audio_chunks per utterance before the cut");
  app.add_option("--chunk-packets", o.chunk_packets, "Plan A Opus packets (20 ms each) per audio_chunk");
  app.add_option("--chunk-ms", chunk_ms, "audio_chunk period, ms");
  app.add_option("--idle-sessions", o.idle_sessions, "sessions that only say session_init (memory per session)");
  app.add_option("--rooms", o.rooms, "rooms: a speaker (utterance path) and listeners each");
  app.add_option("--listeners", o.listeners, "listeners per room")->check(CLI::Range(1, 100));
  app.add_option("--room-languages", room_languages, "listeners' preferred languages, in turn");
  app.add_option("--warmup", o.warmup_seconds, "seconds of traffic before measuring");
  app.add_option("--duration", o.duration_seconds, "measured seconds")->check(CLI::PositiveNumber);
  app.add_option("--drain", o.drain_seconds, "seconds to wait for the window's last results");
  app.add_option("--json", json_path, "also write the report as JSON to this file");
  app.add_flag("--check", check, "exit 1 unless jobs completed and nothing was lost, duplicated or refused");
  app.add_flag("--quiet", quiet, "no progress line");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_level(spdlog::level::warn);
  if (!node_token.empty()) o.node.token = node_token;
  if (service == "fixed") o.node.service = service_distribution::fixed;
  if (service == "uniform") o.node.service = service_distribution::uniform;
  if (service == "exponential") o.node.service = service_distribution::exponential;
  o.node.service_mean = std::chrono::microseconds(static_cast<std::int64_t>(service_ms * 1000));
  o.node.heartbeat_interval = std::chrono::milliseconds(static_cast<std::int64_t>(heartbeat_s * 1000));
  o.chunk_interval = std::chrono::milliseconds(static_cast<std::int64_t>(chunk_ms));
  o.room_languages = split_list(room_languages);
  if (o.room_languages.empty()) o.room_languages = {"zh"};
  for (int pid : pids) o.scheduler_pids.push_back(static_cast<pid_t>(pid));
  o.progress = !quiet;

  auto result = lingua::bench::run_bench(o);
  lingua::bench::print_report(o, result);
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << lingua::bench::report_json(o, result) << "\n";
  }
  if (!result.failure.empty()) std::fprintf(stderr, "lingua-bench: %s\n", result.failure.c_str());
  if (check) {
    const std::string verdict = lingua::bench::check_sane(result);
    if (!verdict.empty()) {
      std::fprintf(stderr, "lingua-bench --check: FAILED: %s\n", verdict.c_str());
      return 1;
    }
    std::fprintf(stderr, "lingua-bench --check: ok\n");
  }
  return result.failure.empty() ? 0 : 2;
}
