#include "app/scheduler_app.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <any>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <optional>
#include <spdlog/spdlog.h>

#include "asio/log_escape.hpp"
#include "api/api_routes.hpp"
#include "app/http_routes.hpp"
#include "auth/gatekeeper.hpp"
#include "auth/operator_gate.hpp"
#include "config/instance_id.hpp"
#include "endpoint/node_link.hpp"
#include "endpoint/session_link.hpp"
#include "jobs/job_service.hpp"
#include "logging/job_log.hpp"
#include "metrics/scheduler_metrics.hpp"
#include "net/fd_limit.hpp"
#include "net/server.hpp"
#include "peer_log/peer_log.hpp"
#include "redis/client.hpp"
#include "redis/embedded_server.hpp"
#include "rooms/room_service.hpp"
#include "routing/instance_link.hpp"
#include "routing/router.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::app {
namespace asio = boost::asio;

namespace {

state::state_config state_config_of(const config::scheduler_config& c) {
  state::state_config s;
  s.key_prefix = c.redis.key_prefix;
  s.heartbeat_timeout_ms = c.nodes.heartbeat_timeout_ms;
  s.resource_threshold_percent = c.nodes.resource_threshold_percent;
  s.sample_size = static_cast<int>(c.selection.sample_size);
  s.sample_rounds = static_cast<int>(c.selection.max_sample_rounds);
  s.backlog_max_wait_ms = c.jobs.backlog_max_wait_ms;
  s.job_retention_ms = c.jobs.job_ttl_ms;
  s.idempotency_ms = c.jobs.idempotency_ttl_ms;
  s.max_attempts = static_cast<std::uint32_t>(c.jobs.max_attempts);
  return s;
}

jobs::job_timing timing_of(const config::scheduler_config& c) {
  jobs::job_timing t;
  t.ack_timeout_ms = c.jobs.ack_timeout_ms;
  t.run_timeout_base_ms = c.jobs.run_timeout_base_ms;
  t.run_timeout_per_audio_second_ms = c.jobs.run_timeout_per_audio_second_ms;
  t.run_timeout_min_ms = c.jobs.run_timeout_min_ms;
  t.run_timeout_max_ms = c.jobs.run_timeout_max_ms;
  t.model_unavailable_ttl_ms = c.nodes.model_unavailable_ttl_ms;
  t.deadline_scan_interval_ms = c.jobs.deadline_scan_interval_ms;
  t.admission.wait_budget_ms = c.jobs.queue_wait_budget_ms;
  t.admission.max_backlog = c.jobs.max_backlog;
  return t;
}

protocol::input_limits input_limits_of(const config::scheduler_config& c) {
  protocol::input_limits l;
  l.max_json_depth = c.input.max_json_depth;
  l.max_id_bytes = c.input.max_id_bytes;
  l.max_language_bytes = c.input.max_language_bytes;
  l.max_node_languages = c.input.max_node_languages;
  l.max_node_services = c.input.max_node_services;
  l.max_node_models = c.input.max_node_models;
  l.max_relayed_json_bytes = c.input.max_relayed_json_bytes;
  l.max_text_bytes = c.input.max_text_bytes;
  return l;
}

endpoint::session_settings session_settings_of(const config::scheduler_config& c) {
  endpoint::session_settings s;
  s.segmentation.pause_ms = c.segmentation.pause_ms;
  s.segmentation.max_duration_ms = c.segmentation.max_duration_ms;
  s.segmentation.max_buffer_bytes = c.segmentation.max_buffer_bytes;
  s.segmentation.hangover_auto_ms = c.segmentation.hangover_auto_ms;
  s.segmentation.hangover_manual_ms = c.segmentation.hangover_manual_ms;
  s.segmentation.padding_auto_ms = c.segmentation.padding_auto_ms;
  s.segmentation.padding_manual_ms = c.segmentation.padding_manual_ms;
  s.segmentation.speech.skip_silent_cuts = c.segmentation.skip_silent_cuts;
  s.segmentation.close_turns_at_limits = c.segmentation.close_turns_at_limits;
  s.segmentation.speech.silent_packet_max_bytes = c.segmentation.silent_packet_max_bytes;
  s.segmentation.speech.min_speech_ms = c.segmentation.min_speech_ms;
  s.segmentation.speech.pcm_silence_rms = c.segmentation.pcm_silence_rms;
  s.result_gap_wait_ms = c.segmentation.result_gap_wait_ms;
  s.lost_news_after_ms = c.jobs.lost_news_after_ms;
  s.max_utterance_audio_bytes = c.segmentation.max_utterance_audio_bytes;
  s.sticky_sessions = c.selection.sticky_sessions;
  s.max_utterances_in_flight = c.jobs.max_utterances_in_flight;
  s.input = input_limits_of(c);
  return s;
}

net::server_config server_config_of(const config::scheduler_config& c) {
  net::server_config s;
  s.address = c.server.host;
  s.port = c.server.port;
  s.tls_cert_file = c.server.tls_cert;
  s.tls_key_file = c.server.tls_key;
  s.max_frame_bytes = c.server.max_frame_bytes;
  s.messages_per_second = static_cast<double>(c.server.max_messages_per_second);
  s.message_burst = static_cast<double>(c.server.message_burst);
  s.max_queued_bytes = c.server.max_write_queue_bytes;
  s.close_timeout = std::chrono::milliseconds(c.server.shutdown_grace_ms);
  s.max_connections = c.server.max_connections;
  s.max_connections_per_address = c.server.max_connections_per_address;
  s.first_message_timeout = std::chrono::milliseconds(c.server.first_message_timeout_ms);
  s.idle_timeout = std::chrono::milliseconds(c.server.idle_timeout_ms);
  s.http_timeout = std::chrono::milliseconds(c.server.http_request_timeout_ms);
  s.rate_limit_close_after = std::chrono::milliseconds(c.server.rate_limit_close_after_ms);
  s.reuse_port = c.server.workers > 1;  // a worker of worker_pool: its siblings listen on the same port
  return s;
}

auth::auth_settings auth_settings_of(const config::scheduler_config& c) {
  auth::auth_settings a;
  a.allow_anonymous_nodes = c.auth.allow_anonymous_nodes;
  a.node_token = c.auth.node_token;
  a.node_token_file = c.auth.node_token_file;
  a.node_tokens_file = c.auth.node_tokens_file;
  a.session_tokens_file = c.auth.session_tokens_file;
  a.allowed_origins = auth::split_list(c.auth.allowed_origins);
  return a;
}

routing::instance_config instance_config_of(const config::scheduler_config& c, const std::string& instance_id) {
  routing::instance_config i;
  i.instance_id = instance_id;
  i.presence_ttl_ms = c.instance.presence_ttl_ms;
  i.presence_renew_ms = c.instance.presence_renew_ms;
  i.stream_maxlen = c.routing.stream_maxlen;
  i.stream_block_ms = c.routing.stream_block_ms;
  i.stream_batch = c.routing.stream_batch;
  i.reclaim_idle_ms = c.routing.reclaim_idle_ms;
  i.dead_letter_after = c.routing.dead_letter_after_deliveries;
  i.dead_letter_maxlen = c.routing.dead_letter_maxlen;
  return i;
}

// Graceful shutdown, first step: this instance's nodes take no new job, and we wait (at most `grace`) for the
// jobs they hold to finish, so their results still reach the sessions, wherever those are.
asio::awaitable<void> drain_nodes(state::scheduler_state& state, routing::router& router,
                                  std::chrono::milliseconds grace) {
  const std::vector<std::string> nodes = router.local_node_ids();
  for (const auto& id : nodes) {
    if (auto sink = router.local_node(id)) sink->drain();
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  asio::steady_timer poll(co_await asio::this_coro::executor);
  while (std::chrono::steady_clock::now() < deadline) {
    std::int64_t held = 0;
    for (const auto& id : nodes) {
      auto count = co_await state.jobs_held(id);
      if (count) held += *count;
    }
    if (held == 0) break;
    poll.expires_after(std::chrono::milliseconds(100));
    co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

rooms::room_config room_config_of(const config::scheduler_config& c) {
  rooms::room_config r;
  r.expire_after_ms = c.rooms.expire_after_ms;
  r.scan_interval_ms = c.rooms.scan_interval_ms;
  r.max_members = c.rooms.max_members;
  r.code_digits = c.rooms.code_digits;
  r.speaker_hears_own_target = c.rooms.speaker_hears_own_target;
  return r;
}

// Ends run() if something still holds the loop a while after shutdown (it should not: everything stops itself).
class watchdog {
 public:
  void arm(asio::io_context& io, std::chrono::milliseconds after) {
    thread_ = std::jthread([&io, after](std::stop_token stop) {
      std::mutex m;
      std::condition_variable_any woken;
      std::unique_lock lock(m);
      if (!woken.wait_for(lock, stop, after, [] { return false; })) {
        if (!stop.stop_requested()) {
          spdlog::warn("shutdown took too long: stopping the event loop");
          io.stop();
        }
      }
    });
  }
  void disarm() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
  }

 private:
  std::jthread thread_;
};

}  // namespace

scheduler_app::scheduler_app(config::scheduler_config config) : config_(std::move(config)) {}

int scheduler_app::run() {
  const std::string instance_id = config::effective_instance_id(config_.instance);
  logging::configure(config_.log.format, instance_id);
  // Owned here, handed by pointer to what counts; it outlives the event loop and everything on it.
  metrics::scheduler_metrics meters(config_.metrics.per_node_labels);
  peer_log::configure(peer_log::throttle_settings{
      .lines_per_window = config_.log.peer_lines_per_window,
      .window = std::chrono::milliseconds(config_.log.peer_window_ms),
  });
  // Every socket is a descriptor: the connection caps are derived from this limit (net/admission.hpp).
  const net::fd_limit fds = net::raise_fd_limit(config_.server.max_open_files);
  spdlog::info("open files limit: {} (hard {}{})", fds.soft, fds.hard, fds.raised ? ", set at start" : "");
  auth::gatekeeper gate(auth_settings_of(config_));
  if (const std::string problem = gate.load(); !problem.empty()) {
    spdlog::critical("auth: {}", problem);
    return 2;
  }
  gate.log_settings();
  auth::operator_gate operators(
      auth::operator_settings{config_.auth.admin_token, config_.auth.admin_token_file, config_.auth.api_token});
  if (const std::string problem = operators.load(); !problem.empty()) {
    spdlog::critical("auth: {}", problem);
    return 2;
  }
  operators.log_settings();

  // The embedded Redis is started before the loop runs (a short blocking wait, at start-up only).
  std::optional<redis::embedded_server> embedded;
  std::string redis_address = config_.redis.url;
  if (redis_address.empty()) {
    redis::embedded_options options;
    options.executable = config_.redis.embedded_executable;
    if (config_.redis.embedded_port != 0) options.tcp_port = config_.redis.embedded_port;
    if (!config_.redis.embedded_data_dir.empty()) options.data_dir = config_.redis.embedded_data_dir;
    embedded.emplace(options);
    embedded->start();
    redis_address = embedded->address();
    spdlog::info("embedded redis-server (pid {}) at {}", embedded->pid(), redis_address);
  }

  asio::io_context io;
  redis::client_options redis_options;
  redis_options.address = redis_address;
  redis_options.connections = config_.redis.connections;
  redis_options.command_timeout = std::chrono::milliseconds(config_.redis.command_timeout_ms);
  redis_options.connect_timeout = std::chrono::milliseconds(config_.redis.connect_timeout_ms);
  redis_options.reconnect_min = std::chrono::milliseconds(config_.redis.reconnect_min_ms);
  redis_options.reconnect_max = std::chrono::milliseconds(config_.redis.reconnect_max_ms);
  redis_options.name = "lingua-" + instance_id;
  redis_options.metrics = &meters;
  redis::client redis(io.get_executor(), redis_options);
  redis.start();

  state::scheduler_state state(redis, state_config_of(config_));
  routing::router router;
  jobs::job_service jobs(io.get_executor(), state, router, timing_of(config_));
  jobs.measure(&meters);

  // Other instances on the same Redis reach this one's sockets through its inbox (read on a connection of its own,
  // since the read blocks).
  redis::client_options inbox_options = redis_options;
  inbox_options.connections = 1;
  inbox_options.name = "lingua-inbox-" + instance_id;
  inbox_options.metrics = nullptr;  // its XREADGROUP blocks on purpose: not a round trip
  redis::client inbox_redis(io.get_executor(), inbox_options);
  inbox_redis.start();
  routing::instance_link link(io.get_executor(), state, inbox_redis, router, instance_config_of(config_, instance_id));
  router.set_remote(&link);
  link.metrics = &meters;
  link.on_dead_node = [&jobs](std::string node_id) -> asio::awaitable<void> { co_await jobs.on_node_lost(node_id); };
  // Redis restarted empty: this instance's sockets are announced again, its nodes registered again (so they are
  // selectable at once), then its sessions place every job still waiting for an outcome again (docs/security.md).
  jobs.on_state_lost = [&link, &router]() -> asio::awaitable<void> {
    co_await link.reannounce();
    const std::vector<std::string> nodes = router.local_node_ids();
    for (const auto& id : nodes) {
      if (auto sink = router.local_node(id)) co_await sink->restore_state();
    }
    const std::vector<std::string> sessions = router.local_session_ids();
    for (const auto& id : sessions) {
      if (auto sink = router.local_session(id)) sink->state_lost();
    }
  };

  net::server_config front_config = server_config_of(config_);
  front_config.metrics = &meters;
  net::server front(io.get_executor(), front_config);
  add_http_routes(front, http_context{redis, router, instance_id, &meters, config_.redis.key_prefix});
  api::add_api_routes(front, api::api_context{state, router, instance_id, &operators});

  const endpoint::node_link_context node_context{
      state, router, jobs, static_cast<std::uint32_t>(config_.nodes.default_max_concurrent_jobs),
      input_limits_of(config_), &gate,
      static_cast<std::uint32_t>(config_.nodes.serial_max_concurrent_jobs), &meters,
      config_.limits.node_register_burst, config_.limits.node_register_interval_ms};
  front.handle_websocket(
      "/ws/node",
      [&](const std::shared_ptr<net::connection>& conn, const net::http_request& upgrade) {
        return std::make_shared<endpoint::node_link>(node_context, conn,
                                                     std::any_cast<auth::node_identity>(upgrade.admission));
      },
      [&gate](net::http_request& upgrade) { return gate.admit_node(upgrade); });
  rooms::room_service rooms(state, router, room_config_of(config_));
  // A session of a dead instance leaves its room like any ended session (its members are told).
  link.on_dead_session = [&rooms](std::string session_id) -> asio::awaitable<void> {
    co_await rooms.on_session_end(session_id);
  };
  endpoint::session_actor::context session_context{io.get_executor(), router, jobs, session_settings_of(config_),
                                                   rooms.audience_lookup(), &meters};
  front.handle_websocket(
      "/ws/session",
      [&](const std::shared_ptr<net::connection>& conn, const net::http_request& upgrade) {
        return std::make_shared<endpoint::session_link>(
            session_context, &rooms, conn, std::any_cast<auth::session_identity>(upgrade.admission).tenant_id);
      },
      [&gate](net::http_request& upgrade) { return gate.admit_session(upgrade); });

  try {
    front.start();
  } catch (const std::exception& e) {
    spdlog::critical("cannot listen on {}:{}: {}", config_.server.host, config_.server.port, e.what());
    return 1;
  }
  spdlog::info("lingua-scheduler {} listening on {}:{} (redis {}, key prefix '{}')", instance_id,
               config_.server.host, front.port(), redis_address, config_.redis.key_prefix);

  asio::co_spawn(io, jobs.run_sweeper(), log_escape("job sweeper"));
  asio::co_spawn(io, rooms.run_sweeper(), log_escape("room sweeper"));
  asio::co_spawn(io, link.start(), log_escape("instance link"));
  asio::co_spawn(io, peer_log::write_summaries(), log_escape("peer log summaries"));

  // SIGHUP re-reads the token files (a bad file keeps the previous table), then closes the node sockets whose token
  // was revoked (a node socket that has not registered yet is refused when it does: node_link::on_register).
  asio::signal_set reload_signal(io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_reload = [&](const boost::system::error_code& ec,
                                                                              int) {
    if (ec) return;
    spdlog::info("signal SIGHUP: reloading the token files");
    gate.reload();
    operators.reload();
    const std::vector<std::string> nodes = router.local_node_ids();
    for (const auto& id : nodes) {
      if (auto sink = router.local_node(id)) sink->credentials_reloaded();
    }
    reload_signal.async_wait(on_reload);
  };
  reload_signal.async_wait(on_reload);

  watchdog shutdown_watchdog;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: draining, then shutting down", signal);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await drain_nodes(state, router, std::chrono::milliseconds(config_.server.shutdown_grace_ms));
          // Nodes and sessions are told to reconnect (to another instance behind the load balancer); the jobs
          // still held by this instance's nodes fail over as their sockets close.
          jobs.stop_sweeper();
          rooms.stop();
          front.stop(net::close_code::service_restart, "scheduler restarting: reconnect");
          asio::steady_timer grace(io);
          grace.expires_after(std::chrono::milliseconds(500));
          co_await grace.async_wait(asio::as_tuple(asio::use_awaitable));
          link.stop();
          co_await link.leave();
          reload_signal.cancel();
          // Let the sockets finish closing (their handlers release ownership and fail jobs over), then stop
          // Redis: every coroutine ends by itself and run() returns with nothing abandoned.
          const auto closing_deadline = std::chrono::steady_clock::now() + server_config_of(config_).close_timeout;
          while (front.connection_count() > 0 && std::chrono::steady_clock::now() < closing_deadline) {
            grace.expires_after(std::chrono::milliseconds(50));
            co_await grace.async_wait(asio::as_tuple(asio::use_awaitable));
          }
          grace.expires_after(std::chrono::milliseconds(100));
          co_await grace.async_wait(asio::as_tuple(asio::use_awaitable));
          inbox_redis.stop();
          redis.stop();
          peer_log::stop_summaries();
          shutdown_watchdog.arm(io, std::chrono::seconds(5));
        },
        log_escape("shutdown"));
  });

  io.run();
  shutdown_watchdog.disarm();
  if (embedded) embedded->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace lingua::app
