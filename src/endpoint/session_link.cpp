#include "endpoint/session_link.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

#include "asio/log_escape.hpp"
#include "clock/clock.hpp"
#include "endpoint/ids.hpp"
#include "peer_log/peer_log.hpp"

namespace lingua::endpoint {
namespace asio = boost::asio;

session_link::session_link(session_actor::context actor_context, room_handler* rooms,
                           std::shared_ptr<net::connection> conn, std::optional<std::string> tenant)
    : actor_context_(std::move(actor_context)), rooms_(rooms), conn_(std::move(conn)), tenant_(std::move(tenant)) {}

void session_link::send_error(const std::string& code, const std::string& message) {
  if (conn_ && conn_->is_open()) conn_->send(protocol::to_json(protocol::error_message{code, message, std::nullopt}));
}

bool session_link::is_ours(const std::string& session_id) {
  if (session_ && session_->profile().session_id == session_id) return true;
  send_error("INVALID_SESSION", "Session does not exist");
  return false;
}

asio::awaitable<void> session_link::on_text(net::connection&, std::string_view text) {
  auto parsed = protocol::parse_session_message(text, actor_context_.settings.input);
  if (!parsed) {
    if (actor_context_.metrics != nullptr) actor_context_.metrics->refused_frame("session", "invalid_message");
    conn_->send(protocol::to_json(protocol::make_invalid_message_error(parsed.error())));
    co_return;
  }
  protocol::session_inbound& message = parsed.value();
  if (auto* init = std::get_if<protocol::session_init>(&message)) {
    co_await on_init(*init);
  } else if (auto* chunk = std::get_if<protocol::audio_chunk>(&message)) {
    if (is_ours(chunk->session_id)) session_->on_audio_chunk(*chunk);
  } else if (auto* utt = std::get_if<protocol::utterance>(&message)) {
    if (is_ours(utt->session_id)) session_->on_utterance(std::move(*utt));
  } else if (auto* hb = std::get_if<protocol::client_heartbeat>(&message)) {
    if (is_ours(hb->session_id)) {
      conn_->send(protocol::to_json(protocol::server_heartbeat{hb->session_id, wall_ms()}));
    }
  } else if (auto* started = std::get_if<protocol::tts_started>(&message)) {
    if (is_ours(started->session_id)) session_->on_tts_started(started->group_id);
  } else if (auto* ended = std::get_if<protocol::tts_play_ended>(&message)) {
    if (is_ours(ended->session_id)) session_->on_tts_ended(ended->group_id);
  } else if (auto* close = std::get_if<protocol::session_close>(&message)) {
    if (is_ours(close->session_id)) {
      if (rooms_ != nullptr) co_await rooms_->on_session_end(close->session_id);
      co_await session_->close();
    }
  } else if (std::holds_alternative<protocol::session_unhandled>(message)) {
    spdlog::debug("session socket {}: unhandled message type ignored", conn_->id());
  } else {
    // Room and WebRTC messages.
    if (!session_) {
      send_error("INTERNAL_ERROR", "Failed to process message: Session not initialized");
    } else if (rooms_ == nullptr) {
      send_error("INTERNAL_ERROR", "Failed to process message: rooms are not available");
    } else {
      co_await rooms_->on_message(*session_, message);
    }
  }
}

asio::awaitable<void> session_link::on_init(const protocol::session_init& init) {
  std::string trace_id = init.trace_id.value_or("");
  if (trace_id.empty()) trace_id = new_uuid();
  session_profile profile = session_profile::from_init(init, new_session_id(), trace_id);
  if (tenant_) profile.tenant_id = *tenant_;
  if (const std::string problem = check_languages(profile); !problem.empty()) {
    send_error("INVALID_MESSAGE", "Invalid message format: " + problem);
    co_return;
  }
  // A second session_init on the same socket starts a new session and ends the previous one.
  co_await end_session();
  session_ = std::make_shared<session_actor>(actor_context_, conn_, profile);
  co_await session_->start();
  protocol::session_init_ack ack;
  ack.session_id = profile.session_id;
  ack.trace_id = profile.trace_id;
  conn_->send(protocol::to_json(ack));
  conn_->introduced();
  peer_log::info(conn_->remote_endpoint(), peer_log::peer_event::peer_activity,
                 "session {} opened ({} {} -> {}, {}, tenant {})", profile.session_id, profile.platform,
                 profile.src_lang, profile.tgt_lang, profile.mode.value_or("one_way"),
                 profile.tenant_id.empty() ? std::string("default") : profile.tenant_id);
}

asio::awaitable<void> session_link::end_session() {
  if (!session_) co_return;
  auto ending = std::move(session_);
  if (rooms_ != nullptr) co_await rooms_->on_session_end(ending->profile().session_id);
  co_await ending->stop();
}

void session_link::on_rejected(net::connection&, net::rejection) {
  send_error("INVALID_MESSAGE", "Invalid message format: message exceeds the frame size limit");
}

void session_link::on_throttled(net::connection&, std::chrono::milliseconds pause) {
  // Nothing was dropped: the socket is read more slowly. The web client pauses its sends on this message.
  protocol::backpressure message;
  message.action = protocol::backpressure_action::slow_down;
  message.resume_after_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(pause.count(), 1));
  message.message = "too many messages: the scheduler reads this connection more slowly";
  if (conn_ && conn_->is_open()) conn_->send(protocol::to_json(message));
}

void session_link::on_close(net::connection&) {
  auto self = shared_from_this();
  asio::co_spawn(
      actor_context_.executor,
      [self]() -> asio::awaitable<void> {
        if (self->session_) spdlog::info("session {} disconnected", self->session_->profile().session_id);
        co_await self->end_session();
        self->conn_.reset();
      },
      log_escape("session socket's close"));
}

}  // namespace lingua::endpoint
