#pragma once
// One asynchronous WebSocket client connection of the load generator, on the bench's single event loop: thousands
// of them share one thread (the test kit's ws_client blocks and owns a loop per socket, fine for tests, not for
// 1,000 nodes). Frames are delivered to `on_text` as they arrive; send() queues and never blocks. Beast stays in
// the .cpp.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace lingua::bench {

struct ws_target {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5010;
  std::string path = "/ws/session";  // path and query
};

// "ws://host:port" (path ignored); throws std::invalid_argument otherwise.
ws_target parse_ws_url(const std::string& url);

class ws_peer : public std::enable_shared_from_this<ws_peer> {
 public:
  using text_handler = std::function<void(std::string_view)>;
  using close_handler = std::function<void()>;

  static std::shared_ptr<ws_peer> make(boost::asio::any_io_executor executor);
  ~ws_peer();
  ws_peer(const ws_peer&) = delete;
  ws_peer& operator=(const ws_peer&) = delete;

  // TCP connect + upgrade; false (and error()) when refused. Then reading starts: every text frame goes to
  // `on_text`; `on_close` runs once when the connection ends (not after close()).
  boost::asio::awaitable<bool> connect(ws_target target, text_handler on_text, close_handler on_close);
  // Queues one text frame; frames go out in order. Ignored once closed.
  void send(std::string text);
  // Polite close (close frame), then the socket goes.
  void close();
  bool is_open() const;
  const std::string& error() const;

  struct state;  // defined in the .cpp

 private:
  explicit ws_peer(boost::asio::any_io_executor executor);
  std::unique_ptr<state> state_;
};

}  // namespace lingua::bench
