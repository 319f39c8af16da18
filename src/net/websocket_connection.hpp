#pragma once
// Internal to src/net — includes Beast (and Asio's TLS), so only server.cpp and connection.cpp include it. Everyone
// else uses net/connection.hpp. The connection is a template over its byte stream — plain TCP or TLS over TCP —
// whose members are defined, and both instantiations compiled once, in connection.cpp.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "net/connection.hpp"
#include "net/http_types.hpp"
#include "net/token_bucket.hpp"
#include "metrics/scheduler_metrics.hpp"

namespace lingua::net::detail {

// The per-connection part of server_config.
struct connection_limits {
  std::size_t max_frame_bytes = 0;
  double messages_per_second = 0;
  double message_burst = 0;
  std::size_t max_queued_bytes = 0;
  std::size_t max_queued_messages = 0;
  std::chrono::milliseconds close_timeout{};
  std::chrono::milliseconds handshake_timeout{};
  std::chrono::milliseconds idle_timeout{};  // 0 = none
  std::chrono::milliseconds first_message_timeout{};  // 0 = none
  std::chrono::milliseconds rate_limit_close_after{};  // 0 = never
  const metrics::socket_meters* meters = nullptr;     // the endpoint's counters; nullptr: not measured
};

using upgrade_request = boost::beast::http::request<boost::beast::http::string_body>;

// The byte streams under a WebSocket: plain TCP (ws://) or TLS over TCP (wss://, server_config::tls_cert_file).
using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Three coroutines on the stream's executor: the handshake (which makes the handler and starts the other two), a
// reader and a writer (a deque plus a timer as the "work arrived" signal). When all of them are over: on_close,
// then on_finished(id).
template <class Stream>
class websocket_connection final : public connection {
 public:
  using finished_callback = std::function<void(std::uint64_t id)>;

  websocket_connection(std::uint64_t id, std::string remote_endpoint, Stream stream, const connection_limits& limits,
                       finished_callback on_finished);

  void start(upgrade_request request, http_request upgrade, websocket_endpoint endpoint);

  void send(std::string text) override;
  void close(std::uint16_t code, std::string reason) override;
  bool is_open() const noexcept override;
  std::size_t queued_bytes() const noexcept override;
  void introduced() override;

 private:
  enum class phase { handshaking, open, closing, finished };
  enum class task { handshake, reader, writer };

  std::shared_ptr<websocket_connection> self();
  void spawn(task which);
  boost::asio::awaitable<void> handshake(upgrade_request request, http_request upgrade, websocket_endpoint endpoint);
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> send_close_frame();
  // Waits for a message token (back-pressure); false when the connection closes meanwhile.
  boost::asio::awaitable<bool> take_token();
  void arm_first_message_deadline();
  void task_ended(task which, bool threw);
  void begin_closing();
  void cut() noexcept;
  void finish();
  void log_end(std::string_view what, const boost::system::error_code& ec) const;

  boost::beast::websocket::stream<Stream> ws_;
  connection_limits limits_;
  finished_callback on_finished_;
  std::shared_ptr<connection_handler> handler_;

  phase phase_ = phase::handshaking;
  int running_ = 0;  // spawned coroutines not yet over
  bool close_requested_ = false;
  bool read_ended_ = false;  // the reader saw the stream end: nothing more can be written
  bool deadline_armed_ = false;
  boost::beast::websocket::close_reason close_reason_;

  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  boost::asio::steady_timer wake_;      // never expires; cancelled when the writer has work
  boost::asio::steady_timer deadline_;  // cuts the socket of a connection that takes too long to close
  boost::asio::steady_timer introduction_;  // the first-message deadline
  boost::asio::steady_timer token_wait_;    // the reader waiting for a message token
  bool introduced_ = false;

  token_bucket bucket_;
  token_bucket::clock::time_point last_rate_report_{};
  // Since when every message had to wait for its token; reset by one that did not.
  std::optional<token_bucket::clock::time_point> throttled_since_;
};

extern template class websocket_connection<plain_stream>;
extern template class websocket_connection<tls_stream>;

}  // namespace lingua::net::detail
