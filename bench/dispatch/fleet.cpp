#include "fleet.hpp"

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "drive.hpp"

namespace lingua::bench {
namespace net = boost::asio;

namespace {

struct language_profile {
  std::vector<std::string> languages;
};

// Node i takes profile i % 10: seven in ten serve en-zh, one each de-en-zh, ja-zh and en-ja-zh.
const language_profile& profile_of(std::size_t index) {
  static const std::vector<language_profile> profiles = {
      {{"en", "zh"}}, {{"de", "en", "zh"}}, {{"ja", "zh"}}, {{"en", "ja", "zh"}}};
  switch (index % 10) {
    case 7: return profiles[1];
    case 8: return profiles[2];
    case 9: return profiles[3];
    default: return profiles[0];
  }
}

struct job_pair {
  const char* source;
  const char* target;
};

// Job i takes pair i % 20: 17 in 20 en->zh, 2 ja->zh, 1 de->en.
job_pair pair_of(std::size_t index) {
  const std::size_t slot = index % 20;
  if (slot < 17) return {"en", "zh"};
  if (slot < 19) return {"ja", "zh"};
  return {"de", "en"};
}

struct register_cursor {
  state::scheduler_state* state = nullptr;
  std::uint32_t capacity = 0;
  std::size_t next = 0;
  std::size_t end = 0;
  registration* out = nullptr;
};

void note_failure(registration& out, const std::string& what) {
  if (out.failures++ == 0) out.first_failure = what;
}

net::awaitable<void> register_worker(register_cursor* cursor) {
  const state::node_runtime ready;
  while (cursor->next < cursor->end) {
    const std::size_t index = cursor->next++;
    const std::string id = node_name(index);
    const state::node_capabilities capabilities = node_profile(index, cursor->capacity);
    auto registered = co_await cursor->state->register_node(id, capabilities);
    if (!registered) {
      note_failure(*cursor->out, "register_node " + id + ": " + registered.error().message());
      continue;
    }
    auto beat = co_await cursor->state->heartbeat(id, ready, nullptr);
    if (!beat) {
      note_failure(*cursor->out, "heartbeat " + id + ": " + beat.error().message());
    } else if (!beat->known || beat->status != "ready") {
      note_failure(*cursor->out, "heartbeat " + id + ": node not ready (" + beat->status + ")");
    }
  }
}

}  // namespace

std::string node_name(std::size_t index) {
  char text[32];
  std::snprintf(text, sizeof text, "node-%06zu", index);
  return text;
}

state::node_capabilities node_profile(std::size_t index, std::uint32_t capacity) {
  const auto& languages = profile_of(index).languages;
  state::node_capabilities caps;
  caps.asr_languages = languages;
  caps.tts_languages = languages;
  caps.other_languages = languages;
  caps.services = {"asr", "nmt", "tts"};
  caps.max_concurrent_jobs = capacity;
  return caps;
}

std::string_view fleet_mix() {
  return "nodes i%10: 70% en-zh, 10% de-en-zh, 10% ja-zh, 10% en-ja-zh (asr+nmt+tts, public)";
}

state::dispatch_request job_request(std::string_view run, std::size_t index, std::size_t audio_bytes) {
  const job_pair pair = pair_of(index);
  state::dispatch_request request;
  request.job_id = std::string(run) + "-" + std::to_string(index);
  request.requirements.session_id = "session-" + std::to_string(index % 64);
  request.job_key = request.requirements.session_id + ":" + request.job_id;
  std::vector<std::string> languages = {pair.source, pair.target};
  std::sort(languages.begin(), languages.end());
  request.requirements.languages = languages;
  request.requirements.asr_languages = {pair.source};
  request.requirements.tts_languages = {pair.target};
  request.requirements.services = {"asr", "nmt", "tts"};
  request.spec_json = R"({"type":"job_assign","job_id":")" + request.job_id + R"(","session_id":")" +
                      request.requirements.session_id + R"(","source":")" + pair.source + R"(","target":")" +
                      pair.target + R"(","services":["asr","nmt","tts"],"audio":{"format":"pcm16","rate":16000}})";
  request.audio.assign(audio_bytes, '\x5a');
  return request;
}

std::string_view job_mix() { return "jobs i%20: 85% en->zh, 10% ja->zh, 5% de->en (asr+nmt+tts)"; }

registration register_fleet(net::io_context& io, state::scheduler_state& state, std::size_t nodes,
                            std::size_t in_flight, std::uint32_t capacity) {
  registration out;
  out.nodes = nodes;
  register_cursor cursor{&state, capacity, 0, nodes, &out};
  const auto start = std::chrono::steady_clock::now();
  drive_workers(io, std::min(in_flight, nodes), [&](std::size_t) { return register_worker(&cursor); });
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::unique_ptr<fleet_under_test> start_fleet(net::io_context& io, std::size_t nodes, const fleet_options& options) {
  auto fleet = std::make_unique<fleet_under_test>();
  fleet->nodes = nodes;
  fleet->server = std::make_unique<redis::embedded_server>();
  fleet->server->start();
  redis::client_options client_options;
  client_options.address = fleet->server->address();
  client_options.connections = options.connections;
  client_options.name = "dispatch_bench";
  fleet->redis = std::make_unique<redis::client>(io.get_executor(), client_options);
  fleet->redis->start();
  if (!await(io, fleet->redis->wait_connected(std::chrono::seconds(5)))) {
    throw std::runtime_error("no connection to the embedded redis-server");
  }
  state::state_config config;
  config.key_prefix = "bench";
  // Each node heartbeats once, at registration; a day of grace keeps it selectable for the whole benchmark
  // without heartbeat traffic in the measured runs (the check itself runs for every candidate all the same).
  config.heartbeat_timeout_ms = 24LL * 3600 * 1000;
  fleet->state = std::make_unique<state::scheduler_state>(*fleet->redis, config);
  fleet->registered = register_fleet(io, *fleet->state, nodes, options.in_flight, options.capacity);
  return fleet;
}

void stop_fleet(net::io_context& io, fleet_under_test& fleet) {
  fleet.redis->stop();
  io.restart();
  io.run_for(std::chrono::milliseconds(50));
  fleet.server->stop();
}

}  // namespace lingua::bench
