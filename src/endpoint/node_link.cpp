#include "endpoint/node_link.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <spdlog/spdlog.h>

#include "endpoint/ids.hpp"
#include "peer_log/peer_log.hpp"
#include "protocol/session_messages.hpp"

namespace lingua::endpoint {
namespace asio = boost::asio;

node_link::node_link(node_link_context context, std::shared_ptr<net::connection> conn)
    : ctx_(context), conn_(std::move(conn)) {}

bool node_link::send_text(std::string text) {
  if (!conn_ || !conn_->is_open()) return false;
  conn_->send(std::move(text));
  return true;
}

void node_link::send_error(const std::string& code, const std::string& message) {
  send_text(protocol::to_json(protocol::node_outbound{protocol::error_message{code, message, std::nullopt}}));
}

bool node_link::proves(const std::string& claimed, std::string_view what) {
  if (!node_id_.empty() && claimed == node_id_) return true;
  peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::protocol_error,
                 "node socket {} ({}) sent {} for node '{}': refused", conn_->id(),
               node_id_.empty() ? "unregistered" : node_id_, what, claimed);
  send_error("NODE_ID_CONFLICT", "this connection is registered as '" + node_id_ + "', not '" + claimed + "'");
  return false;
}

asio::awaitable<void> node_link::on_text(net::connection&, std::string_view text) {
  auto parsed = protocol::parse_node_message(text, ctx_.input);
  if (!parsed) {
    peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::invalid_message,
                   "node socket {} {}: invalid message dropped: {}", conn_->id(), conn_->remote_endpoint(),
                   parsed.error().message);
    send_text(protocol::to_json(protocol::node_outbound{protocol::make_invalid_message_error(parsed.error())}));
    co_return;
  }
  protocol::node_inbound message = std::move(parsed.value());
  if (auto* reg = std::get_if<protocol::node_register>(&message)) {
    co_await on_register(std::move(*reg));
  } else if (auto* hb = std::get_if<protocol::node_heartbeat>(&message)) {
    if (proves(hb->node_id, "node_heartbeat")) co_await on_heartbeat(*hb);
  } else if (auto* ack = std::get_if<protocol::job_ack>(&message)) {
    if (proves(ack->node_id, "job_ack")) co_await ctx_.jobs.on_ack(node_id_, ack->job_id, ack->attempt_id);
  } else if (auto* started = std::get_if<protocol::job_started>(&message)) {
    if (proves(started->node_id, "job_started")) {
      co_await ctx_.jobs.on_ack(node_id_, started->job_id, started->attempt_id);
    }
  } else if (auto* partial = std::get_if<protocol::node_asr_partial>(&message)) {
    if (proves(partial->node_id, "asr_partial")) co_await ctx_.jobs.on_partial(*partial);
  } else if (auto* result = std::get_if<protocol::job_result>(&message)) {
    if (proves(result->node_id, "job_result")) {
      std::optional<std::string> unavailable;
      if (!result->success && result->error && result->error->code == "MODEL_NOT_AVAILABLE" &&
          result->error->details && result->error->details->is_object()) {
        const auto& d = *result->error->details;
        const std::string service_id = d.value("service_id", d.value("model_id", std::string()));
        if (profile_) unavailable = profile_->service_type_of(service_id);
        if (!unavailable && d.contains("service_type")) unavailable = d.value("service_type", std::string());
      }
      co_await ctx_.jobs.on_result(node_id_, std::move(*result), std::move(unavailable));
    }
  } else if (auto* err = std::get_if<protocol::node_error>(&message)) {
    peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::peer_report, "node {} reports {}: {}",
                   err->node_id, err->code, err->message);
  } else if (auto* generic = std::get_if<protocol::error_message>(&message)) {
    peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::peer_report, "node {} sent error {}: {}",
                   node_id_, generic->code, generic->message);
  } else {
    peer_log::info(conn_->remote_endpoint(), peer_log::peer_event::protocol_error,
                   "node {} sent a message the scheduler does not act on", node_id_);
  }
}

asio::awaitable<void> node_link::on_register(protocol::node_register message) {
  std::string wanted = message.node_id.value_or("");
  if (!wanted.empty() && !state::valid_node_id(wanted)) {
    peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::invalid_message,
                   "node socket {}: node id '{}' is not usable, a new one is assigned", conn_->id(), wanted);
    wanted.clear();
  }
  if (!node_id_.empty() && !wanted.empty() && wanted != node_id_) {
    send_error("NODE_ID_CONFLICT", "this connection is already registered as '" + node_id_ + "'");
    co_return;
  }
  node_profile profile(message, ctx_.default_max_jobs);
  if (!languages_within_bounds(profile)) co_return;
  // A known node id on a fresh socket: the jobs it holds were sent to its previous connection (closed, or on an
  // instance that died). Listed before this socket can receive any, moved once it is registered (below).
  std::vector<state::placed_job> orphaned;
  if (node_id_.empty() && !wanted.empty()) {
    auto held = co_await ctx_.state.node_jobs(wanted);
    if (held) orphaned = std::move(*held);
  }
  if (node_id_.empty()) node_id_ = wanted;
  if (node_id_.empty()) node_id_ = new_node_id();
  profile_.emplace(std::move(profile));
  std::weak_ptr<routing::node_sink> sink = weak_from_this();  // named: see jobs::job_service::send
  co_await ctx_.router.claim_node(node_id_, std::move(sink));
  // Acknowledged even when Redis is down: the node then heartbeats, and the heartbeat registers it once Redis is
  // back (see on_heartbeat). Until then it gets no job: nothing is dispatched without the state.
  const bool registered = co_await register_in_state();
  peer_log::info(conn_->remote_endpoint(), peer_log::peer_event::peer_activity,
                 "node {} registered{} in pool {} (max {} jobs)", node_id_, registered ? "" : " locally (Redis down)",
               profile_->capabilities().pool(), profile_->capabilities().max_concurrent_jobs);
  send_text(protocol::to_json(protocol::node_outbound{
      protocol::node_register_ack{node_id_, "Node registered successfully", protocol::node_status::registering}}));
  if (conn_) conn_->introduced();
  if (!orphaned.empty()) {
    peer_log::info(conn_->remote_endpoint(), peer_log::peer_event::peer_activity,
                   "node {} reconnected holding {} job(s) of its previous connection: moving them", node_id_,
                   orphaned.size());
    co_await ctx_.jobs.on_node_reconnected(node_id_, orphaned);
  }
}

asio::awaitable<bool> node_link::register_in_state() {
  auto reg = co_await ctx_.state.register_node(node_id_, profile_->capabilities());
  co_return static_cast<bool>(reg);
}

bool node_link::languages_within_bounds(const node_profile& profile) {
  const std::size_t declared = profile.capabilities().languages().size();
  if (declared <= ctx_.input.max_node_languages) return true;
  peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::invalid_message,
                 "node socket {} ({}) declares {} languages: refused", conn_->id(),
                 node_id_.empty() ? "unregistered" : node_id_, declared);
  send_text(protocol::to_json(protocol::node_outbound{protocol::make_invalid_message_error(
      protocol::parse_error{"the node declares " + std::to_string(declared) + " distinct languages (at most " +
                            std::to_string(ctx_.input.max_node_languages) + " allowed)"})}));
  return false;
}

asio::awaitable<void> node_link::on_heartbeat(const protocol::node_heartbeat& message) {
  node_profile next = *profile_;
  const bool changed = next.update(message);
  if (!languages_within_bounds(next)) co_return;
  profile_ = std::move(next);
  state::node_runtime runtime = runtime_of(message);
  if (draining_) runtime.status = "draining";
  last_runtime_ = runtime;
  heartbeat_seen_ = true;
  const state::node_capabilities* fresh = nullptr;
  if (changed) fresh = &profile_->capabilities();
  auto hb = co_await ctx_.state.heartbeat(node_id_, runtime, fresh);
  if (hb && !hb->known) {
    // Redis forgot the node (restart, or it was expired while silent): register it again from what we know.
    spdlog::info("node {} unknown to the state: registering it again", node_id_);
    const bool registered = co_await register_in_state();
    if (registered) {
      hb = co_await ctx_.state.heartbeat(node_id_, runtime, nullptr);
    }
  }
  if (!hb) {
    spdlog::warn("heartbeat of node {} not recorded: {}", node_id_, hb.error().message());
    co_return;
  }
  co_await ctx_.jobs.send_handed(node_id_, hb->handed);
}

asio::awaitable<void> node_link::restore_state() {
  if (node_id_.empty() || !profile_ || !conn_ || !conn_->is_open()) co_return;
  auto self = shared_from_this();
  const bool registered = co_await register_in_state();
  if (!registered || !heartbeat_seen_) co_return;  // a node not yet ready becomes so with its next heartbeat
  state::node_runtime runtime = last_runtime_;
  if (draining_) runtime.status = "draining";
  auto hb = co_await ctx_.state.heartbeat(node_id_, runtime, nullptr);
  if (hb) co_await ctx_.jobs.send_handed(node_id_, hb->handed);
}

void node_link::drain() {
  if (draining_ || node_id_.empty()) return;
  draining_ = true;
  auto self = shared_from_this();
  asio::co_spawn(
      ctx_.jobs.executor(),
      [self]() -> asio::awaitable<void> {
        state::node_runtime runtime = self->last_runtime_;
        runtime.status = "draining";
        co_await self->ctx_.state.heartbeat(self->node_id_, runtime, nullptr);
      },
      asio::detached);
}

void node_link::on_rejected(net::connection&, net::rejection) {
  peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::refused_frame,
                 "node {}: message dropped (oversized frame)", node_id_.empty() ? "unregistered" : node_id_);
}

void node_link::on_close(net::connection&) {
  if (node_id_.empty()) {
    conn_.reset();
    return;
  }
  auto self = shared_from_this();
  asio::co_spawn(
      ctx_.jobs.executor(),
      [self]() -> asio::awaitable<void> {
        // A node that reconnected on a new socket (here or on another instance) keeps its registration: only the
        // loss of its current socket counts.
        const bool was_current = co_await self->ctx_.router.release_node(self->node_id_, self.get());
        if (was_current) {
          spdlog::info("node {} disconnected: failing over its jobs", self->node_id_);
          co_await self->ctx_.jobs.on_node_lost(self->node_id_);
        }
        self->conn_.reset();
      },
      asio::detached);
}

}  // namespace lingua::endpoint
