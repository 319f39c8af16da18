#include "bench_run.hpp"

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>

#include <spdlog/spdlog.h>

#include "e2e/harness/fake_session.hpp"
#include "e2e/harness/scheduler_process.hpp"
#include "net/fd_limit.hpp"
#include "redis/client.hpp"
#include "redis/embedded_server.hpp"
#include "sim_session.hpp"

namespace lingua::bench {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Flags for instances the bench starts: one address sends everything, so the per-address and per-connection
// limits meant for the internet would measure the limiter instead of the scheduler (docs/benchmarks.md).
std::vector<std::string> started_instance_flags() {
  return {"--log-level=warn", "--server.max_connections_per_address=0", "--server.max_connections=250000",
          "--server.max_messages_per_second=1000000", "--server.message_burst=1000000"};
}

asio::awaitable<void> sleep_for(bench_clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

// Polls `done` every 5 ms for at most `timeout`.
asio::awaitable<bool> wait_until(std::function<bool()> done, bench_clock::duration timeout) {
  const auto deadline = bench_clock::now() + timeout;
  while (!done()) {
    if (bench_clock::now() >= deadline) co_return false;
    co_await sleep_for(5ms);
  }
  co_return true;
}

// Starts every peer (sim_node / sim_session), at most 128 upgrades in flight; the count that connected.
template <class Peer>
asio::awaitable<std::size_t> start_all(std::vector<std::shared_ptr<Peer>>& peers, const std::vector<ws_target>& targets,
                                       std::size_t target_offset) {
  auto executor = co_await asio::this_coro::executor;
  std::size_t connected = 0;
  std::size_t finished = 0;
  std::size_t launched = 0;
  std::string last_error;
  for (std::size_t i = 0; i < peers.size(); ++i) {
    while (launched - finished >= 128) co_await sleep_for(1ms);
    ++launched;
    ws_target target = targets[(i + target_offset) % targets.size()];
    auto peer = peers[i];
    asio::co_spawn(executor, peer->start(std::move(target)), [&, peer](std::exception_ptr e, bool ok) {
      ++finished;
      if (ok && !e) ++connected;
      else last_error = e ? std::string("exception") : peer->error();
    });
  }
  while (finished < launched) co_await sleep_for(1ms);
  if (connected < peers.size()) spdlog::error("lingua-bench: {} of {} sockets refused: {}", peers.size() - connected,
                                              peers.size(), last_error);
  co_return connected;
}

asio::awaitable<std::optional<std::int64_t>> redis_used_memory(redis::client& redis) {
  redis::command_args info = redis::arguments("INFO", "memory");
  redis::result answer = co_await redis.command(std::move(info));
  if (!answer.ok()) co_return std::nullopt;
  const std::string text = answer.value.str();
  const auto at = text.find("used_memory:");
  if (at == std::string::npos) co_return std::nullopt;
  co_return std::stoll(text.substr(at + 12));
}

struct scenario_context {
  const bench_options& options;
  bench_result& result;
  std::vector<ws_target> targets;
  std::vector<pid_t> pids;
  redis::client* redis = nullptr;
};

void progress_line(const recorder& r, double seconds, std::uint64_t& last_delivered, bool final_line) {
  const std::uint64_t delivered = r.delivered_total();
  std::fprintf(stderr, "%s[%6.1fs] sent %8llu  delivered %8llu  (%6llu/s)  outstanding %6llu  errors %llu%s",
               ::isatty(2) ? "\r" : "", seconds, static_cast<unsigned long long>(r.sent_total()),
               static_cast<unsigned long long>(delivered),
               static_cast<unsigned long long>(delivered - last_delivered),
               static_cast<unsigned long long>(r.outstanding()), static_cast<unsigned long long>(r.errors_total()),
               (final_line || !::isatty(2)) ? "\n" : "");
  last_delivered = delivered;
}

asio::awaitable<void> fixed_rate_driver(std::vector<std::shared_ptr<sim_session>>& sessions, double rate,
                                        const bool& sending, std::uint64_t& sent) {
  if (sessions.empty() || rate <= 0) co_return;
  const auto interval = std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(1.0 / rate));
  auto next = bench_clock::now();
  std::size_t turn = 0;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (sending) {
    // Catch up at most 50 ms of lateness at once (the loop was busy); later sends are not invented.
    for (int burst = 0; bench_clock::now() >= next && burst < 1000; ++burst) {
      sessions[turn++ % sessions.size()]->send_utterance();
      ++sent;
      next += interval;
    }
    if (bench_clock::now() - next > 50ms) next = bench_clock::now();
    timer.expires_at(next);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> scenario(scenario_context& c) {
  const bench_options& o = c.options;
  bench_result& r = c.result;
  auto executor = co_await asio::this_coro::executor;
  if (c.redis != nullptr && !(co_await c.redis->wait_connected(5s))) {
    r.failure = "Redis does not answer";
    co_return;
  }
  // Nodes.
  std::vector<std::shared_ptr<sim_node>> nodes;
  for (std::size_t i = 0; i < o.nodes; ++i) {
    nodes.push_back(std::make_shared<sim_node>(executor, o.node, r.record, static_cast<std::uint32_t>(i + 1)));
  }
  co_await start_all(nodes, c.targets, 0);
  co_await wait_until([&] { return std::all_of(nodes.begin(), nodes.end(), [](auto& n) { return n->registered(); }); },
                      30s);
  r.nodes_registered = static_cast<std::size_t>(
      std::count_if(nodes.begin(), nodes.end(), [](auto& n) { return n->registered(); }));

  session_profile profile;
  profile.window = o.rate > 0 ? 0 : o.window;
  profile.audio_base64 = utterance_audio(o.audio_bytes);
  profile.phrase_chunks = o.phrase_chunks;
  profile.chunk_interval = o.chunk_interval;
  profile.chunk_payload = test::plan_a_audio_base64(o.chunk_packets);  // voiced-sized Plan A packets

  // Idle sessions first: what each costs, before any traffic.
  std::vector<std::shared_ptr<sim_session>> idle;
  if (o.idle_sessions > 0) {
    const auto rss_before = read_processes(c.pids).rss_bytes;
    std::optional<std::int64_t> redis_before;
    if (c.redis != nullptr) redis_before = co_await redis_used_memory(*c.redis);
    for (std::size_t i = 0; i < o.idle_sessions; ++i) {
      idle.push_back(std::make_shared<sim_session>(executor, profile, r.record, session_role::idle));
    }
    co_await start_all(idle, c.targets, 0);
    co_await wait_until([&] { return std::all_of(idle.begin(), idle.end(), [](auto& s) { return s->ready(); }); }, 60s);
    co_await sleep_for(500ms);  // let the allocator settle
    const auto rss_after = read_processes(c.pids).rss_bytes;
    r.idle_rss_per_session =
        (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / static_cast<double>(o.idle_sessions);
    if (redis_before) {
      if (auto redis_after = co_await redis_used_memory(*c.redis)) {
        r.idle_redis_bytes_per_session =
            static_cast<double>(*redis_after - *redis_before) / static_cast<double>(o.idle_sessions);
      }
    }
  }

  // Working sessions: utterance sessions, streams, and rooms (speaker + listeners, spread over the instances).
  std::vector<std::shared_ptr<sim_session>> talkers;
  std::vector<std::shared_ptr<sim_session>> streams;
  std::vector<std::shared_ptr<sim_session>> speakers;
  std::vector<std::shared_ptr<sim_session>> listeners;
  for (std::size_t i = 0; i < o.sessions; ++i)
    talkers.push_back(std::make_shared<sim_session>(executor, profile, r.record, session_role::utterance));
  for (std::size_t i = 0; i < o.streams; ++i)
    streams.push_back(std::make_shared<sim_session>(executor, profile, r.record, session_role::stream));
  for (std::size_t i = 0; i < o.rooms; ++i)
    speakers.push_back(std::make_shared<sim_session>(executor, profile, r.record, session_role::utterance));
  for (std::size_t i = 0; i < o.rooms * o.listeners; ++i)
    listeners.push_back(std::make_shared<sim_session>(executor, profile, r.record, session_role::listener));
  std::size_t ready = 0;
  ready += co_await start_all(talkers, c.targets, 0);
  ready += co_await start_all(streams, c.targets, 0);
  ready += co_await start_all(speakers, c.targets, 0);
  ready += co_await start_all(listeners, c.targets, 1);
  std::vector<std::shared_ptr<sim_session>> all = talkers;
  all.insert(all.end(), streams.begin(), streams.end());
  all.insert(all.end(), speakers.begin(), speakers.end());
  all.insert(all.end(), listeners.begin(), listeners.end());
  co_await wait_until([&] { return std::all_of(all.begin(), all.end(), [](auto& s) { return s->ready(); }); }, 30s);
  for (auto& speaker : speakers) speaker->create_room();
  co_await wait_until(
      [&] { return std::all_of(speakers.begin(), speakers.end(), [](auto& s) { return !s->room_code().empty(); }); },
      10s);
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    const auto& lang = o.room_languages[i % o.room_languages.size()];
    listeners[i]->join_room(speakers[i / o.listeners]->room_code(), lang);
  }
  co_await wait_until(
      [&] { return std::all_of(listeners.begin(), listeners.end(), [](auto& s) { return s->joined(); }); }, 10s);
  for (std::size_t i = 0; i < speakers.size(); ++i) {
    std::vector<std::pair<std::string, std::string>> audience;
    for (std::size_t j = i * o.listeners; j < (i + 1) * o.listeners; ++j) {
      audience.emplace_back(listeners[j]->id(), o.room_languages[j % o.room_languages.size()]);
    }
    speakers[i]->set_listeners(std::move(audience));
  }
  r.sessions_ready = static_cast<std::size_t>(
      std::count_if(all.begin(), all.end(), [](auto& s) { return s->ready(); }));
  if (r.nodes_registered < o.nodes || r.sessions_ready < all.size() || ready < all.size()) {
    r.failure = "set-up incomplete: " + std::to_string(r.nodes_registered) + " of " + std::to_string(o.nodes) +
                " nodes registered, " + std::to_string(r.sessions_ready) + " of " + std::to_string(all.size()) +
                " sessions ready";
  }

  // Traffic: warm-up, then the measured window.
  const auto started = bench_clock::now();
  std::vector<std::shared_ptr<sim_session>> senders = talkers;
  senders.insert(senders.end(), speakers.begin(), speakers.end());
  bool sending = true;
  std::uint64_t driven = 0;
  for (auto& s : senders) s->begin();
  for (auto& s : streams) s->begin();
  if (o.rate > 0) {
    asio::co_spawn(executor, fixed_rate_driver(senders, o.rate, sending, driven), [](std::exception_ptr e) {
      if (e) spdlog::error("lingua-bench: the fixed-rate driver ended with an exception");
    });
  }
  std::uint64_t last_delivered = 0;
  const auto seconds_since_start = [&] { return std::chrono::duration<double>(bench_clock::now() - started).count(); };
  co_await sleep_for(std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(o.warmup_seconds)));
  r.record.set_recording(true);
  std::optional<redis_reading> redis_before;
  if (c.redis != nullptr) redis_before = co_await read_redis(*c.redis);
  const auto proc_before = read_processes(c.pids);
  const double own_before = own_cpu_seconds();
  const std::uint64_t driven_before = driven;
  r.record.window_start();
  const auto window_end = bench_clock::now() +
      std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(o.duration_seconds));
  while (bench_clock::now() < window_end) {
    co_await sleep_for(std::min<bench_clock::duration>(1s, window_end - bench_clock::now()));
    if (o.progress) progress_line(r.record, seconds_since_start(), last_delivered, false);
  }
  r.record.window_end();
  r.record.set_recording(false);
  sending = false;
  for (auto& s : senders) s->halt();
  for (auto& s : streams) s->halt();
  const auto proc_after = read_processes(c.pids);
  r.bench_cpu_seconds = own_cpu_seconds() - own_before;
  r.scheduler_cpu_seconds = proc_after.cpu_seconds - proc_before.cpu_seconds;
  r.scheduler_rss_end = proc_after.rss_bytes;
  r.scheduler_measured = !c.pids.empty();
  r.offered_rate = static_cast<double>(driven - driven_before) / o.duration_seconds;
  if (redis_before) {
    if (auto redis_after = co_await read_redis(*c.redis)) r.redis = cost_between(*redis_before, *redis_after);
  }
  // Drain: whatever was sent in the window may still arrive (and is checked for loss and duplicates).
  co_await wait_until([&] { auto s = r.record.summarise(); return s.delivered >= s.expected; },
                      std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(o.drain_seconds)));
  co_await sleep_for(200ms);  // a duplicate would arrive right behind
  if (o.progress) progress_line(r.record, seconds_since_start(), last_delivered, true);
  for (auto& s : all) s->stop();
  for (auto& s : idle) s->stop();
  for (auto& n : nodes) n->stop();
  co_await sleep_for(100ms);
}

}  // namespace

bench_result run_bench(const bench_options& o) {
  bench_result result;
  net::raise_fd_limit();
  std::optional<redis::embedded_server> redis_server;
  std::vector<std::unique_ptr<test::scheduler_process>> schedulers;
  scenario_context c{o, result, {}, o.scheduler_pids, nullptr};
  std::string redis_address = o.redis;
  try {
    if (o.urls.empty()) {
      if (redis_address.empty()) {  // else the instances share the given Redis (side by side with BullMQ)
        redis_server.emplace();
        redis_server->start();
        redis_address = redis_server->address();
      }
      for (std::size_t i = 0; i < o.instances; ++i) {
        std::vector<std::string> args = started_instance_flags();
        args.insert(args.end(), o.scheduler_args.begin(), o.scheduler_args.end());
        schedulers.push_back(
            std::make_unique<test::scheduler_process>(redis_address, args, "bench-" + std::to_string(i)));
        schedulers.back()->start();
        c.targets.push_back({"127.0.0.1", schedulers.back()->port(), ""});
        c.pids.push_back(schedulers.back()->pid());
      }
    } else {
      for (const auto& url : o.urls) c.targets.push_back(parse_ws_url(url));
    }
  } catch (const std::exception& e) {
    result.failure = std::string("cannot start: ") + e.what();
    return result;
  }
  result.instances = c.targets.size();
  {
    asio::io_context io;
    std::unique_ptr<redis::client> redis;
    if (!redis_address.empty()) {
      redis::client_options ro;
      ro.address = redis_address;
      ro.connections = 1;
      ro.name = "lingua-bench";
      redis = std::make_unique<redis::client>(io.get_executor(), ro);
      redis->start();
      c.redis = redis.get();
    }
    asio::co_spawn(io, scenario(c), [&](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          result.failure = std::string("the run failed: ") + x.what();
        }
      }
      if (redis) redis->stop();
      io.stop();
    });
    io.run();
  }
  for (auto& s : schedulers) {
    if (!s->running()) {
      result.failure += (result.failure.empty() ? "" : "; ") + std::string("instance ") + s->instance_id() +
                        " exited during the run:\n" + s->log();
    }
  }
  return result;
}

}  // namespace lingua::bench
