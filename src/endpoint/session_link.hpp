#pragma once
// The scheduler's side of one client socket (`/ws/session`): parses every frame, answers what needs an answer
// (session_init_ack, server_heartbeat, session_close_ack, errors), and hands audio and job work to the session's
// actor. A frame that does not parse gets error{INVALID_MESSAGE} and changes nothing; the socket carries on.
#include <memory>
#include <optional>
#include <string>

#include "endpoint/session_actor.hpp"
#include "net/connection.hpp"

namespace lingua::endpoint {

// Room and WebRTC messages, implemented by the rooms module.
class room_handler {
 public:
  virtual ~room_handler() = default;
  virtual boost::asio::awaitable<void> on_message(session_actor& session, const protocol::session_inbound& message) = 0;
  // The session ended (session_close, disconnect, or replaced by a new session_init): leave its room.
  virtual boost::asio::awaitable<void> on_session_end(const std::string& session_id) = 0;
};

class session_link : public net::connection_handler, public std::enable_shared_from_this<session_link> {
 public:
  // `tenant`: the tenant of the API key the upgrade presented (auth); it replaces any tenant_id the session_init
  // names. nullopt (no keys configured): the session_init's tenant_id is used as sent.
  session_link(session_actor::context actor_context, room_handler* rooms, std::shared_ptr<net::connection> conn,
               std::optional<std::string> tenant = std::nullopt);

  boost::asio::awaitable<void> on_text(net::connection& conn, std::string_view text) override;
  void on_rejected(net::connection& conn, net::rejection why) override;
  void on_throttled(net::connection& conn, std::chrono::milliseconds pause) override;
  std::string_view introduction() const override { return "session_init"; }
  void on_close(net::connection& conn) override;

 private:
  boost::asio::awaitable<void> on_init(const protocol::session_init& init);
  boost::asio::awaitable<void> end_session();
  // True when `session_id` is this socket's session; otherwise answers INVALID_SESSION.
  bool is_ours(const std::string& session_id);
  void send_error(const std::string& code, const std::string& message);

  session_actor::context actor_context_;
  room_handler* rooms_;
  std::shared_ptr<net::connection> conn_;
  std::shared_ptr<session_actor> session_;
  std::optional<std::string> tenant_;
};

}  // namespace lingua::endpoint
