#pragma once
// A blocking WebSocket client for tests. Each client owns its io_context; every call runs it just long enough
// (bounded by its timeout) and never leaves an operation half-done. One read is always pending in the background
// while connected, so messages are collected whenever any call runs the loop, and a receive that times out leaves
// the connection perfectly usable. A client is used from one thread at a time.
//
//   lingua::test::ws_client client;
//   client.connect("127.0.0.1", port, "/ws/session");
//   client.send_json({{"type", "session_init"}, ...});
//   auto ack = client.receive_until("session_init_ack", 5s);
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lingua::test {

// Extras for the upgrade request.
struct ws_options {
  std::vector<std::pair<std::string, std::string>> headers{};  // e.g. {"Authorization", "Bearer …"}, {"Origin", …}
  bool tls = false;  // wss:// — the server's certificate is not verified (tests use self-signed ones)
};

class ws_client {
 public:
  ws_client();
  // Closes politely (close frame, ≤ 1 s) if still open.
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  // TCP connect + WebSocket handshake. A refused connection is retried (every 50 ms) until `timeout`, so a test can
  // connect to a server that is still starting. Throws std::runtime_error when it gives up.
  void connect(const std::string& host, std::uint16_t port, const std::string& path,
               std::chrono::milliseconds timeout = std::chrono::seconds(5), ws_options options = {});
  // The HTTP status of the last upgrade answer: 101 when accepted, e.g. 401 / 403 when the server refused it (then
  // connect() threw); 0 when no answer arrived. And one header of that answer ("" when absent).
  unsigned upgrade_status() const;
  std::string upgrade_header(const std::string& name) const;

  // Writes one frame and waits until it is written. False if the connection is closed or the write fails/times out.
  bool send_text(std::string text, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool send_binary(std::string data, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool send_json(const nlohmann::json& message, std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // The next text message, or nullopt when none arrives within `timeout` (or the connection is closed and nothing
  // is left). Binary messages from the server are skipped.
  std::optional<std::string> receive_text(std::chrono::milliseconds timeout);
  // Same, parsed. Throws nlohmann::json::parse_error when the message is not JSON.
  std::optional<nlohmann::json> receive_json(std::chrono::milliseconds timeout);
  // Skips messages until one whose "type" equals `type`; nullopt when none arrives within `timeout` in total.
  std::optional<nlohmann::json> receive_until(std::string_view type, std::chrono::milliseconds timeout);
  // Messages already received and not yet taken.
  std::size_t pending() const;

  // Waits until the connection is over (close frame, EOF, reset). Messages received meanwhile stay available.
  bool wait_closed(std::chrono::milliseconds timeout);
  bool is_open() const;
  // The server's close frame, once closed; nullopt while open or when the connection ended without one.
  std::optional<std::uint16_t> close_code() const;
  std::string close_reason() const;

  // Polite close: sends a close frame and waits (≤ timeout) for the server's; then the socket is closed either way.
  void close(std::uint16_t code = 1000, std::chrono::milliseconds timeout = std::chrono::seconds(2));
  // Abrupt disconnect: closes the TCP socket without a close frame.
  void drop();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace lingua::test
