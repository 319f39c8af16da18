#include "endpoint/node_link.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

#include "asio/log_escape.hpp"
#include "endpoint/ids.hpp"
#include "peer_log/peer_log.hpp"
#include "protocol/session_messages.hpp"

namespace lingua::endpoint {
namespace asio = boost::asio;

namespace {
// node_register per socket ([limits] node_register_burst, node_register_interval_ms): the first one and a few
// re-registers at once, then one per interval. The node agent registers once per connection; a loop of re-registers
// must not make the scheduler run the register script (and rewrite the node's pool and pair index) without bound.
std::string interval_text(std::int64_t ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}
}  // namespace

node_link::node_link(node_link_context context, std::shared_ptr<net::connection> conn, auth::node_identity identity)
    : ctx_(context),
      conn_(std::move(conn)),
      identity_(std::move(identity)),
      registrations_(1000.0 / static_cast<double>(ctx_.register_interval_ms), static_cast<double>(ctx_.register_burst),
                     net::token_bucket::clock::now()) {}

bool node_link::send_text(std::string text) {
  if (!conn_ || !conn_->is_open()) return false;
  conn_->send(std::move(text));
  return true;
}

bool node_link::send_job(std::string text, const routing::job_attempt& job) {
  if (settling_) {
    settling_frames_.emplace_back(std::move(text), job);
    return true;
  }
  auto moved = moved_attempts_.find(job.job_id);
  if (moved != moved_attempts_.end() && job.attempt <= moved->second) {
    spdlog::debug("node {}: job {} attempt {} superseded by its move at the reconnect: not sent", node_id_,
                  job.job_id, job.attempt);
    return true;
  }
  return send_text(in_node_tags(std::move(text), job));
}

// The session's tags were matched to this node's by the selection (BCP-47 rule, docs/protocol.md): the node is
// sent the tags it declared, in its spelling (zh-CN → zh for a node that declares zh). Frames whose tags it declared
// exactly, the usual case, go out as they are, without parsing.
std::string node_link::in_node_tags(std::string text, const routing::job_attempt& job) const {
  if (!profile_) return text;
  const bool exact = std::all_of(job.languages.begin(), job.languages.end(),
                                 [this](const std::string& l) { return profile_->declares_exactly(l); });
  if (exact) return text;
  auto parsed = protocol::parse_node_outbound(text);
  auto* assign = parsed ? std::get_if<protocol::job_assign>(&*parsed) : nullptr;
  if (assign == nullptr) return text;
  if (assign->src_lang != "auto") assign->src_lang = profile_->tag_for(assign->src_lang);
  assign->tgt_lang = profile_->tag_for(assign->tgt_lang);
  for (auto* l : {&assign->lang_a, &assign->lang_b}) {
    if (*l) **l = profile_->tag_for(**l);
  }
  if (assign->auto_langs) {
    for (auto& l : *assign->auto_langs) l = profile_->tag_for(l);
  }
  return protocol::to_json(*assign);
}

void node_link::send_error(const std::string& code, const std::string& message) {
  send_text(protocol::to_json(protocol::node_outbound{protocol::error_message{code, message, std::nullopt}}));
}

bool node_link::proves(const std::string& claimed, std::string_view what) {
  if (!node_id_.empty() && claimed == node_id_) return true;
  if (ctx_.metrics != nullptr) ctx_.metrics->refused_frame("node", node_id_.empty() ? "not_registered" : "wrong_node");
  peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::protocol_error,
                 "node socket {} ({}) sent {} for node '{}': refused", conn_->id(),
               node_id_.empty() ? "unregistered" : node_id_, what, claimed);
  send_error("NODE_ID_CONFLICT", "this connection is registered as '" + node_id_ + "', not '" + claimed + "'");
  return false;
}

asio::awaitable<void> node_link::on_text(net::connection&, std::string_view text) {
  auto parsed = protocol::parse_node_message(text, ctx_.input);
  if (!parsed) {
    if (ctx_.metrics != nullptr) ctx_.metrics->refused_frame("node", "invalid_message");
    // Never silence: a node agent without an ack timeout would wait forever for a register it cannot know failed.
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

void node_link::refuse_id(const std::string& node_id, const std::string& why) {
  spdlog::warn("node socket {} ({}): register as '{}' refused: {}", conn_->id(), conn_->remote_endpoint(), node_id,
               why);
  send_error("NODE_ID_CONFLICT", "node id '" + node_id + "' refused: " + why);
}

std::string node_link::admissible_id(const protocol::node_register& message) {
  std::string wanted = message.node_id.value_or("");
  if (!identity_.bound_node_id.empty()) {
    // A per-node token names its node: that id is used whatever the register says (the ack tells the node).
    if (!wanted.empty() && wanted != identity_.bound_node_id) {
      spdlog::info("node socket {}: asked for node id '{}', its token is bound to '{}'", conn_->id(), wanted,
                   identity_.bound_node_id);
    }
    wanted = identity_.bound_node_id;
  } else if (!wanted.empty() && !state::valid_node_id(wanted)) {
    peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::invalid_message,
                   "node socket {}: node id '{}' is not usable, a new one is assigned", conn_->id(), wanted);
    wanted.clear();
  }
  if (!node_id_.empty() && !wanted.empty() && wanted != node_id_) {
    send_error("NODE_ID_CONFLICT", "this connection is already registered as '" + node_id_ + "'");
    return {};
  }
  if (wanted.empty()) wanted = node_id_.empty() ? new_node_id() : node_id_;
  if (ctx_.gate != nullptr && ctx_.gate->reserved_for_another(wanted, identity_)) {
    refuse_id(wanted, "the id belongs to a per-node token");
    return {};
  }
  // This instance's own sockets are checked here, so the binding holds even while Redis is unreachable.
  if (auto current = ctx_.router.local_node(wanted); current && current.get() != this &&
                                                      current->credential() != identity_.credential) {
    refuse_id(wanted, "the node is connected with another credential");
    return {};
  }
  return wanted;
}

bool node_link::register_allowed() {
  const auto now = net::token_bucket::clock::now();
  if (registrations_.try_take(now)) return true;
  const auto wait = std::chrono::ceil<std::chrono::seconds>(registrations_.time_until_token(now));
  peer_log::warn(conn_->remote_endpoint(), peer_log::peer_event::rate_limited,
                 "node socket {} ({}): node_register repeated too often, refused", conn_->id(),
                 node_id_.empty() ? "unregistered" : node_id_);
  std::string registered_as = node_id_.empty() ? "" : "; this connection stays registered as '" + node_id_ + "'";
  send_error("RATE_LIMITED", "node_register repeated too often on this connection (at most " +
                                 std::to_string(ctx_.register_burst) + " at once, then one every " +
                                 interval_text(ctx_.register_interval_ms) + "): try again in " +
                                 std::to_string(wait.count()) + " s" + registered_as);
  return false;
}

asio::awaitable<void> node_link::on_register(protocol::node_register message) {
  if (!register_allowed()) co_return;
  if (!still_admitted()) co_return;  // admitted before a reload that revoked its token
  const std::string id = admissible_id(message);
  if (id.empty()) co_return;
  const bool fresh_socket = node_id_.empty();
  node_profile profile(message, ctx_.default_max_jobs, ctx_.serial_max_jobs);
  if (!languages_within_bounds(profile)) co_return;
  profile.bind_credential(identity_.credential);
  // Recorded before the socket claims the id: a refused register leaves the genuine node's socket in place.
  const registration outcome = co_await register_in_state(id, profile);
  if (outcome == registration::conflict) {
    refuse_id(id, "the node is registered with another credential");
    co_return;
  }
  node_id_ = id;
  note_ignored(message.ignored_entries);
  profile_.emplace(std::move(profile));
  // A known node id on a fresh socket: the jobs it holds were sent to its previous connection (closed, or on an
  // instance that died), and they move (below). Listed only once the id is claimed: a job placed before the claim
  // may have been routed to the old owner (lost if that instance died) and is in the list; one placed after it
  // reaches this socket. A frame of a listed job that reaches this socket anyway (placed before the list, routed
  // after the claim) is superseded by the move: held while settling, dropped by send_job().
  settling_ = fresh_socket;
  std::weak_ptr<routing::node_sink> sink = weak_from_this();  // named: see jobs::job_service::send
  co_await ctx_.router.claim_node(node_id_, std::move(sink));
  // A reload while the register script ran did not see this socket among the registered ones.
  if (!still_admitted()) co_return;
  std::vector<state::placed_job> orphaned;
  if (fresh_socket) {
    auto held = co_await ctx_.state.node_jobs(node_id_);
    if (held) orphaned = std::move(*held);
    for (const auto& job : orphaned) {
      auto& moved = moved_attempts_[job.job_id];
      moved = std::max(moved, job.attempt);
    }
  }
  // Acknowledged even when Redis is down: the node then heartbeats, and the heartbeat registers it once Redis is
  // back (see on_heartbeat). Until then it gets no job: nothing is dispatched without the state.
  const bool registered = outcome == registration::recorded;
  peer_log::info(conn_->remote_endpoint(), peer_log::peer_event::peer_activity,
                 "node {} registered{} in pool {} (max {} jobs)", node_id_, registered ? "" : " locally (Redis down)",
               profile_->capabilities().pool(), profile_->capabilities().max_concurrent_jobs);
  send_text(protocol::to_json(protocol::node_outbound{
      protocol::node_register_ack{node_id_, "Node registered successfully", protocol::node_status::registering}}));
  if (conn_) conn_->introduced();
  settling_ = false;
  for (auto& [text, job] : std::exchange(settling_frames_, {})) send_job(std::move(text), job);
  if (!orphaned.empty()) {
    peer_log::info(conn_->remote_endpoint(), peer_log::peer_event::peer_activity,
                   "node {} reconnected holding {} job(s) of its previous connection: moving them", node_id_,
                   orphaned.size());
    co_await ctx_.jobs.on_node_reconnected(node_id_, orphaned);
  }
}

asio::awaitable<node_link::registration> node_link::register_in_state(const std::string& node_id,
                                                                      const node_profile& profile) {
  auto reg = co_await ctx_.state.register_node(node_id, profile.capabilities());
  if (!reg) co_return registration::state_down;
  if (reg->conflict) co_return registration::conflict;
  co_return registration::recorded;
}

asio::awaitable<void> node_link::lose_binding() {
  // Meanwhile another credential registered the id (e.g. Redis lost the record): this socket lets go of the id
  // without failing over anything (the jobs are the other registration's now) and is closed.
  const std::string lost = std::move(node_id_);
  node_id_.clear();
  co_await ctx_.router.release_node(lost, this);
  refuse_id(lost, "the node is registered with another credential");
  if (conn_) conn_->close(net::close_code::policy_violation, "node id registered with another credential");
}

bool node_link::still_admitted() {
  if (ctx_.gate == nullptr || ctx_.gate->still_admits(identity_)) return true;
  if (conn_ && conn_->is_open()) {
    spdlog::warn("node {}: socket {} ({}) closed: its token was revoked by the reload",
                 node_id_.empty() ? "unregistered" : node_id_, conn_->id(), conn_->remote_endpoint());
    conn_->close(net::close_code::policy_violation, "node token revoked");
  }
  return false;
}

void node_link::credentials_reloaded() { still_admitted(); }

void node_link::replaced() {
  spdlog::info("node {}: socket {} replaced by a newer connection of the node", node_id_, conn_ ? conn_->id() : 0);
  if (conn_) conn_->close(net::close_code::policy_violation, "replaced by a newer connection of this node");
}

void node_link::note_ignored(const std::vector<std::string>& entries) {
  if (entries == last_ignored_) return;  // heartbeats repeat the same report every 15 s: log changes only
  last_ignored_ = entries;
  if (entries.empty()) return;
  std::string list;
  for (const auto& e : entries) list += (list.empty() ? "" : "; ") + e;
  peer_log::info(conn_->remote_endpoint(), peer_log::peer_event::peer_report, "node {}: {} entr{} of its report ignored ({})",
                 node_id_, entries.size(), entries.size() == 1 ? "y" : "ies", list);
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
  note_ignored(message.ignored_entries);
  node_profile next = *profile_;
  const bool changed = next.update(message);
  if (!languages_within_bounds(next)) co_return;
  profile_ = std::move(next);
  state::node_runtime runtime = runtime_of(message);
  // The Lingua node agent leaves gpu_queue_length out while its queue is empty: a node known to serialise (from its
  // registration, or once it reported a queue) has an empty queue when the length is absent (lua/includes/select.lua:
  // one lane).
  if (profile_->serialises() && !runtime.queued_jobs) runtime.queued_jobs = 0;
  if (draining_) runtime.status = "draining";
  last_runtime_ = runtime;
  heartbeat_seen_ = true;
  const state::node_capabilities* fresh = nullptr;
  if (changed) fresh = &profile_->capabilities();
  auto hb = co_await ctx_.state.heartbeat(node_id_, runtime, fresh);
  if (hb && !hb->known) {
    // Redis forgot the node (restart, or it was expired while silent): register it again from what we know.
    spdlog::info("node {} unknown to the state: registering it again", node_id_);
    const registration outcome = co_await register_in_state(node_id_, *profile_);
    if (outcome == registration::conflict) {
      co_await lose_binding();
      co_return;
    }
    if (outcome == registration::recorded) {
      hb = co_await ctx_.state.heartbeat(node_id_, runtime, nullptr);
    }
  }
  if (!hb) {
    spdlog::warn("heartbeat of node {} not recorded: {}", node_id_, hb.error().message());
    co_return;
  }
  if (!hb->status.empty()) recorded_status_ = hb->status;  // an operator's drain shows here (lua/heartbeat.lua)
  co_await ctx_.jobs.send_handed(node_id_, hb->handed);
}

asio::awaitable<void> node_link::restore_state() {
  if (node_id_.empty() || !profile_ || !conn_ || !conn_->is_open()) co_return;
  auto self = shared_from_this();
  const registration outcome = co_await register_in_state(node_id_, *profile_);
  if (outcome == registration::conflict) {
    co_await lose_binding();
    co_return;
  }
  const bool registered = outcome == registration::recorded;
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
      log_escape("node " + node_id_ + ": recording its drain"));
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
      log_escape("node " + node_id_ + ": its socket's close"));
}

std::optional<routing::node_gauges> node_link::gauges() const {
  if (node_id_.empty() || !profile_) return std::nullopt;
  routing::node_gauges g;
  g.node_id = node_id_;
  // Until its first heartbeat a node is "registering" (as the register script records it).
  g.status = recorded_status_.empty() ? last_runtime_.status : recorded_status_;
  if (!heartbeat_seen_ || g.status.empty()) g.status = "registering";
  if (draining_) g.status = "draining";
  g.pool = profile_->capabilities().pool();
  g.capacity = profile_->capabilities().max_concurrent_jobs;
  return g;
}

}  // namespace lingua::endpoint
