// lingua-node: the reference compute node. Loads the engines installed on this machine (PocketSphinx, Apertium,
// espeak-ng; see docs/node.md), connects to a scheduler and serves jobs until SIGINT/SIGTERM.
//
//   lingua-node --scheduler ws://127.0.0.1:5010/ws/node --token T
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "asio/log_escape.hpp"
#include "node/capabilities.hpp"
#include "node/engines/apertium_mt.hpp"
#include "node/engines/espeak_tts.hpp"
#include "node/engines/http_engines.hpp"
#include "node/engines/pocketsphinx_asr.hpp"
#include "node/node_client.hpp"

namespace {

namespace asio = boost::asio;
using namespace lingua::node;

struct engine_paths {
  std::string pocketsphinx_models = default_pocketsphinx_model_dir;
  std::string apertium_modes = default_apertium_modes_dir;
};

// Engines that call HTTP inference services instead of the local ones (docs/node.md, "The HTTP adapter").
struct remote_engines {
  std::string asr_url, asr_languages;
  std::string mt_url, mt_pairs;
  std::string tts_url, tts_languages, tts_voices;
  long timeout_ms = 15000;
  // Parsed by check().
  http_service asr, mt, tts;
  std::vector<std::string> asr_codes, tts_codes;
  std::vector<language_pair> pairs;
  std::map<std::string, std::string> voices;

  // Parses the flags; the first problem, or "".
  std::string check() {
    std::string error;
    const auto service = [&](const std::string& url, const std::string& list, const char* flag, const char* list_flag,
                             http_service& out) {
      if (url.empty() || !error.empty()) return false;
      if (auto parsed = parse_http_service(url, error)) out = *parsed;
      if (error.empty() && list.empty()) error = std::string(flag) + " needs " + list_flag;
      if (!error.empty()) error = std::string(flag) + ": " + error;
      return error.empty();
    };
    if (service(asr_url, asr_languages, "--asr", "--asr-languages", asr)) asr_codes = parse_languages(asr_languages, error);
    if (service(mt_url, mt_pairs, "--mt", "--mt-pairs", mt)) pairs = parse_language_pairs(mt_pairs, error);
    if (service(tts_url, tts_languages, "--tts", "--tts-languages", tts)) {
      tts_codes = parse_languages(tts_languages, error);
      if (error.empty()) voices = parse_voices(tts_voices, error);
    }
    return error;
  }
  http_engine_options options(asio::io_context& loop, const http_service& s) const {
    return {.loop = &loop, .service = s, .timeout = std::chrono::milliseconds(timeout_ms)};
  }
};

// One worker's engines; an engine that cannot load is left out (its service is reported not ready).
engine_set load_engines(const engine_paths& paths, const remote_engines& remote, asio::io_context& loop, bool log) {
  engine_set e;
  if (!remote.asr_url.empty()) {
    e.asr = std::make_unique<http_asr>(remote.options(loop, remote.asr), remote.asr_codes);
  } else {
    try {
      e.asr = std::make_unique<pocketsphinx_asr>(paths.pocketsphinx_models);
    } catch (const std::exception& ex) {
      if (log) spdlog::warn("ASR not available: {}", ex.what());
    }
  }
  if (!remote.tts_url.empty()) {
    e.tts = std::make_unique<http_tts>(remote.options(loop, remote.tts), remote.tts_codes, remote.voices);
  } else {
    try {
      e.tts = std::make_unique<espeak_tts>();
    } catch (const std::exception& ex) {
      if (log) spdlog::warn("TTS not available: {}", ex.what());
    }
  }
  // Warm-up decode at start, on local speech, so that the first job is recognised like any later one.
  if (auto* sphinx = dynamic_cast<pocketsphinx_asr*>(e.asr.get()); sphinx != nullptr && e.tts) {
    for (const auto& language : sphinx->languages()) {
      try {
        sphinx->warm_up(e.tts->synthesise("hello, how are you today? I am fine, thank you.", language), language);
      } catch (const std::exception& ex) {
        if (log) spdlog::warn("ASR {} warm-up failed: {}", language, ex.what());
      }
    }
  }
  if (!remote.mt_url.empty()) {
    e.mt = std::make_unique<http_mt>(remote.options(loop, remote.mt), remote.pairs);
    return e;
  }
  auto mt = std::make_unique<apertium_mt>(paths.apertium_modes);
  if (!mt->pairs().empty()) {
    // Start every pair's pipeline now (~0.3 s each) rather than on the first job.
    for (const auto& pair : mt->pairs()) {
      try {
        mt->translate("hello", pair.src, pair.tgt);
      } catch (const std::exception& ex) {
        if (log) spdlog::warn("MT {}-{} warm-up failed: {}", pair.src, pair.tgt, ex.what());
      }
    }
    e.mt = std::move(mt);
  } else if (log) {
    spdlog::warn("MT not available: no Apertium pair under {}", paths.apertium_modes);
  }
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lingua-node: a Lingua compute node with engines from Debian (PocketSphinx, Apertium, espeak-ng)"};
  std::string url = "ws://127.0.0.1:5010/ws/node";
  std::string token;
  std::string node_id;
  unsigned workers = std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
  long heartbeat_ms = 5000;
  std::string log_level = "info";
  bool print_capabilities = false;
  std::string cpu_scope = "machine";
  engine_paths paths;
  app.add_option("--scheduler", url, "The scheduler's node endpoint, ws://host:port/ws/node")->capture_default_str();
  app.add_option("--token", token, "Node token (sent as Authorization: Bearer and ?token=)")
      ->envname("LINGUA_NODE_TOKEN");
  app.add_option("--node-id", node_id, "Node id to register with (default: the scheduler assigns one)");
  app.add_option("--workers", workers, "Jobs run at once (= max_concurrent_jobs)")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  app.add_option("--heartbeat-interval-ms", heartbeat_ms, "Heartbeat period")
      ->check(CLI::Range(100L, 600000L))
      ->capture_default_str();
  app.add_option("--pocketsphinx-models", paths.pocketsphinx_models, "PocketSphinx model directory")
      ->capture_default_str();
  app.add_option("--apertium-modes", paths.apertium_modes, "Apertium modes directory")->capture_default_str();
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
  app.add_option("--report-cpu", cpu_scope,
                 "Heartbeat CPU: machine (the whole machine's use) or process (this node's own share)")
      ->check(CLI::IsMember({"machine", "process"}))
      ->capture_default_str();
  remote_engines remote;
  app.add_option("--asr", remote.asr_url, "ASR over HTTP: POST <URL>/utterance (default: PocketSphinx here)");
  app.add_option("--asr-languages", remote.asr_languages, "Languages the --asr service hears, e.g. en,zh");
  app.add_option("--mt", remote.mt_url, "MT over HTTP: POST <URL>/v1/translate (default: Apertium here)");
  app.add_option("--mt-pairs", remote.mt_pairs, "Pairs the --mt service translates, e.g. en-zh,zh-en");
  app.add_option("--tts", remote.tts_url, "TTS over HTTP: POST <URL>/tts, WAV answer (default: espeak-ng here)");
  app.add_option("--tts-languages", remote.tts_languages, "Languages the --tts service speaks, e.g. en,zh");
  app.add_option("--tts-voices", remote.tts_voices, "Voice per language for --tts, e.g. en=en_US-lessac-medium");
  app.add_option("--http-timeout-ms", remote.timeout_ms, "Deadline of one request to an HTTP service")
      ->check(CLI::Range(100L, 600000L))
      ->capture_default_str();
  app.add_flag("--print-capabilities", print_capabilities, "Print the node_register message and exit");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_level(spdlog::level::from_str(log_level));
  std::string error;
  auto address = parse_scheduler_url(url, error);
  if (!address) {
    std::cerr << "lingua-node: " << error << "\n";
    return 2;
  }
  if (const std::string problem = remote.check(); !problem.empty()) {
    std::cerr << "lingua-node: " << problem << "\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);

  asio::io_context loop;
  std::vector<engine_set> engines;
  for (unsigned i = 0; i < workers; ++i) engines.push_back(load_engines(paths, remote, loop, i == 0));
  if (print_capabilities) {
    std::cout << lingua::protocol::to_json(registration(engines.front(), workers, std::nullopt)) << "\n";
    return 0;
  }
  const auto& caps = engines.front();
  if (!caps.asr) {
    std::cerr << "lingua-node: no ASR engine could be loaded (install pocketsphinx-en-us)\n";
    return 1;
  }

  node_options options{.scheduler = *address,
                       .token = token,
                       .node_id = node_id,
                       .heartbeat_interval = std::chrono::milliseconds(heartbeat_ms),
                       .cpu_scope = cpu_scope == "process" ? system_usage::cpu_scope::process
                                                           : system_usage::cpu_scope::machine};
  node_client client(loop, options, std::move(engines));
  asio::signal_set signals(loop, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) {
      spdlog::info("stopping");
      client.stop();
    }
  });
  spdlog::info("lingua-node {} workers, scheduler ws://{}:{}{}", workers, address->host, address->port,
               address->target);
  int status = 0;
  asio::co_spawn(loop, client.run(), [&](std::exception_ptr e) {
    lingua::log_escaped("node", e);
    if (e) status = 1;
    signals.cancel();
  });
  loop.run();
  return status;
}
