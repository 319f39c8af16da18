#pragma once
// The network front: one listening socket serving plain HTTP GET routes and WebSocket endpoints, on one
// single-threaded event loop (no strands, no locks), in plain text or TLS (server_config::tls_cert_file). Beast and
// Asio's TLS stay inside server.cpp / connection.cpp.
//
//   boost::asio::io_context loop;
//   net::server front(loop.get_executor(), {.port = 5010});
//   front.handle_get("/health", [](const net::http_request&) -> boost::asio::awaitable<net::http_response> {
//     co_return net::http_response{.body = "OK"};
//   });
//   front.handle_websocket("/ws/session", make_session_handler);
//   front.start();
//   loop.run();  // returns after front.stop(...) once every connection is finished
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "net/connection.hpp"
#include "metrics/scheduler_metrics.hpp"
#include "net/http_types.hpp"

namespace lingua::net {

struct server_config {
  std::string address = "0.0.0.0";
  std::uint16_t port = 5010;  // 0 = an ephemeral port, see server::port()
  // PEM files: when set, every socket speaks TLS (wss://, https://), its handshake within http_timeout of the
  // accept; a plain ws:// or http:// peer fails the handshake. Empty (the default): plain.
  std::string tls_cert_file{};
  std::string tls_key_file{};

  // Per WebSocket connection.
  std::size_t max_frame_bytes = 1024 * 1024;       // longer text messages are discarded → rejection::oversized_frame
  double messages_per_second = 200;                // token bucket refill; 0 disables rate limiting
  double message_burst = 400;                      // token bucket size
  std::size_t max_queued_bytes = 8 * 1024 * 1024;  // write queue bound (slow consumer above it)
  std::size_t max_queued_messages = 16 * 1024;
  std::chrono::milliseconds close_timeout{3000};  // closing connection's time to drain and finish the handshake
  // Defaults are Beast's stream_base::timeout::suggested(role_type::server); idle pings at half the idle timeout.
  std::chrono::milliseconds handshake_timeout{30'000};
  // No data (not even a pong to the ping sent at half of it) for this long: the socket is cut. 0 = none.
  std::chrono::milliseconds idle_timeout{60'000};
  // No connection::introduced() this long after the upgrade: closed with 1008 "no <introduction> within N s".
  std::chrono::milliseconds first_message_timeout{10'000};
  // Held back by the message rate without a break this long: closed with 1008. 0 = never.
  std::chrono::milliseconds rate_limit_close_after{60'000};

  // Plain HTTP.
  std::chrono::milliseconds http_timeout{10'000};  // to receive one request (also bounds idle keep-alive)
  // The same while the server is under connection pressure (see admission::under_pressure).
  std::chrono::milliseconds http_timeout_under_pressure{2'000};
  std::size_t max_http_body_bytes = 64 * 1024;

  // Connection caps (see net/admission.hpp). The socket cap and the effective websocket cap are derived from the
  // file-descriptor limit `fd_limit` (0 = read it at start()).
  std::size_t max_connections = 10'000;         // websockets in all; an upgrade over it gets 503
  std::size_t max_connections_per_address = 64;  // sockets from one address, upgraded or not; 0 = no cap
  std::size_t fd_limit = 0;

  // SO_REUSEPORT on the listening socket: several processes (the workers of one scheduler, --workers) listen on
  // the same port and the kernel spreads new connections over them. Off by default, so that a second, unrelated
  // instance on a taken port fails to start instead of silently sharing it.
  bool reuse_port = false;

  // Frames, refused frames and closes are counted per endpoint ("/ws/session" → session, "/ws/node" → node) when
  // set; the registry must outlive the server.
  metrics::scheduler_metrics* metrics = nullptr;
};

class server {
 public:
  // Throws std::invalid_argument for an unparsable config.address or a TLS certificate / key that cannot be used
  // (the message names the file and OpenSSL's reason). The server must outlive the event loop's run() (it is
  // referenced by the coroutines it spawns until they finish).
  server(boost::asio::any_io_executor executor, server_config config);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Register before start(). A path is exact ("/metrics"); the query string is not part of it. Registering a path
  // twice replaces the earlier route. Answers the server gives itself: unknown path → 404 (any method); known path,
  // method other than GET → 405; WebSocket path without an upgrade → 426; upgrade on a path that is not a WebSocket
  // endpoint → 404; a GET handler that throws → 500.
  void handle_get(std::string path, http_handler handler);
  // A POST route (operator actions), same rules; the request body is not read (parameters come in the query).
  void handle_post(std::string path, http_handler handler);
  // `admit` (optional) runs on each upgrade request first; a refusal is answered with its response (e.g. 401).
  void handle_websocket(std::string path, websocket_endpoint endpoint, websocket_admission admit = nullptr);

  // Binds and listens (throws std::system_error, e.g. address in use), then accepts on the loop.
  void start();
  // The bound port (the real one when config.port was 0); 0 before start().
  std::uint16_t port() const noexcept;

  // Graceful shutdown, on the loop thread: stops accepting, ends idle HTTP keep-alive connections (busy ones after
  // their response), and closes every WebSocket with `code`/`reason` after its queued frames (cut after
  // close_timeout). Once all of that is over the server holds no pending work, so run() returns if nothing else
  // keeps the loop busy. Idempotent; later upgrades are refused with 503.
  void stop(std::uint16_t code = close_code::going_away, std::string reason = "server shutting down");

  // Open WebSocket connections (handshaking ones included).
  std::size_t connection_count() const noexcept;
  // Accepted sockets still open (plain HTTP and WebSocket).
  std::size_t socket_count() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;  // shared with the coroutines it spawns
};

}  // namespace lingua::net
