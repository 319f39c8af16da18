#pragma once
// One WebSocket peer (a browser session or a compute node) as the business logic sees it, and the handler through
// which it is told what the peer does. Free of Beast: the implementation lives in connection.cpp.
//
// Threading: everything here runs on the server's single event loop; call send() and close() only from it (from
// another thread, boost::asio::post to the loop first). Nothing here blocks.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/http_types.hpp"

namespace lingua::net {

// WebSocket close codes (RFC 6455 §7.4.1) the scheduler uses.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;        // the server shuts down
inline constexpr std::uint16_t policy_violation = 1008;  // slow consumer, no first message in time, rate flood
inline constexpr std::uint16_t internal_error = 1011;    // a handler threw
inline constexpr std::uint16_t service_restart = 1012;
inline constexpr std::uint16_t try_again_later = 1013;
}  // namespace close_code

// A text message the connection dropped instead of delivering; the connection stays open. (A peer over the
// message rate is not dropped but slowed down: see connection_handler::on_throttled.)
enum class rejection {
  oversized_frame,  // text message longer than server_config::max_frame_bytes (discarded unread)
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  virtual ~connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Unique per server (monotonic from 1) and the peer's "ip:port": for logs and maps keyed by connection.
  std::uint64_t id() const noexcept { return id_; }
  const std::string& remote_endpoint() const noexcept { return remote_endpoint_; }

  // Queues one text frame and returns at once; dropped silently unless is_open(). If the queue is not empty and the
  // frame would take it past server_config::max_queued_bytes / max_queued_messages, the peer is a slow consumer:
  // the queue is dropped and the connection closed with 1008 "slow consumer".
  virtual void send(std::string text) = 0;
  // Sends what is queued, then the close frame with this code and reason (reason ≤ 123 bytes). If the peer does
  // not complete the close within server_config::close_timeout the socket is cut. Later calls are ignored.
  virtual void close(std::uint16_t code, std::string reason) = 0;
  // True from the moment the handler exists until a close starts (either side) or the connection fails.
  virtual bool is_open() const noexcept = 0;
  // Bytes waiting in the write queue (not counting the frame being written).
  virtual std::size_t queued_bytes() const noexcept = 0;
  // The peer has introduced itself (an accepted session_init / node_register): the first-message deadline
  // (server_config::first_message_timeout) no longer applies. Idempotent.
  virtual void introduced() {}

 protected:
  connection(std::uint64_t id, std::string remote_endpoint) : id_(id), remote_endpoint_(std::move(remote_endpoint)) {}

 private:
  std::uint64_t id_;
  std::string remote_endpoint_;
};

// What the business logic implements per endpoint. Calls for one connection never overlap: on_text is awaited
// before the next message is read (so a connection's messages are handled in order and a slow handler slows only
// its own peer). Binary frames never reach the handler (they are ignored, §1.1).
class connection_handler {
 public:
  virtual ~connection_handler() = default;
  // One complete text message. `text` stays valid until the returned awaitable completes; copy what you keep. An
  // exception escaping it is logged and the connection closed with 1011.
  virtual boost::asio::awaitable<void> on_text(connection& conn, std::string_view text) = 0;
  // A text message was dropped; the connection carries on (the session layer answers INVALID_MESSAGE).
  virtual void on_rejected(connection& conn, rejection why) = 0;
  // The peer sends faster than server_config::messages_per_second: the connection stops reading for `pause`
  // (TCP then slows the peer down); no message is dropped. Reported when it starts and at most once per second
  // while it lasts. A peer held back without a break for server_config::rate_limit_close_after is closed with
  // 1008. Sessions answer with the protocol's `backpressure` message.
  virtual void on_throttled(connection& conn, std::chrono::milliseconds pause) {
    (void)conn;
    (void)pause;
  }
  // The message a peer of this endpoint introduces itself with, named in the close reason of the first-message
  // deadline ("no node_register within 10 s").
  virtual std::string_view introduction() const { return "first message"; }
  // Called exactly once, after the connection is over (closed by either side, failed or cut). send() is a no-op by
  // then. The connection drops its reference to the handler afterwards, so a handler may hold the connection's
  // shared_ptr without leaking it. Must not throw (an exception is logged and swallowed).
  virtual void on_close(connection& conn) = 0;
};

// Called once per accepted WebSocket upgrade with the new connection (not yet reading) and the upgrade request.
// Returns the handler for it (a fresh one or a shared one). It may call conn->close() to turn the peer away;
// returning nullptr closes the connection with 1011.
using websocket_endpoint = std::function<std::shared_ptr<connection_handler>(const std::shared_ptr<connection>& conn,
                                                                             const http_request& upgrade)>;

}  // namespace lingua::net
