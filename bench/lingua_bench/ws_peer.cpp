#include "ws_peer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <exception>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace lingua::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
constexpr auto as_result = asio::as_tuple(asio::use_awaitable);

struct ws_peer::state {
  explicit state(asio::any_io_executor ex) : ws(ex), wake(ex) { wake.expires_at(asio::steady_timer::time_point::max()); }
  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer wake;  // "a frame was queued" / "closing"
  std::deque<std::string> queue;
  text_handler on_text;
  close_handler on_close;
  std::string error;
  bool open = false;
  bool closing = false;
  bool writing = false;

  void ended(const std::string& why) {
    if (!open) return;
    open = false;
    if (error.empty()) error = why;
    wake.cancel();
    if (!closing && on_close) on_close();
  }
};

ws_target parse_ws_url(const std::string& url) {
  constexpr std::string_view scheme = "ws://";
  if (!url.starts_with(scheme)) throw std::invalid_argument("not a ws:// URL: " + url);
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  ws_target out;
  out.host = rest.substr(0, colon);
  out.port = colon == std::string::npos ? 80 : static_cast<std::uint16_t>(std::stoul(rest.substr(colon + 1)));
  return out;
}

std::shared_ptr<ws_peer> ws_peer::make(asio::any_io_executor executor) {
  return std::shared_ptr<ws_peer>(new ws_peer(std::move(executor)));
}

ws_peer::ws_peer(asio::any_io_executor executor) : state_(std::make_unique<state>(std::move(executor))) {}
ws_peer::~ws_peer() = default;

namespace {

void log_escape(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::error("lingua-bench: a socket task ended with an exception: {}", x.what());
  }
}

asio::awaitable<void> read_loop(std::shared_ptr<ws_peer> /*keeps the peer alive*/, ws_peer::state* s) {
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await s->ws.async_read(buffer, as_result);
    if (ec) {
      s->ended("read: " + ec.message());
      co_return;
    }
    if (s->ws.got_text() && s->on_text) {
      const auto data = buffer.cdata();
      s->on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    buffer.consume(n);
  }
}

asio::awaitable<void> write_loop(std::shared_ptr<ws_peer> /*keeps the peer alive*/, ws_peer::state* s) {
  while (s->open) {
    if (s->queue.empty()) {
      if (s->closing) break;
      co_await s->wake.async_wait(as_result);
      continue;
    }
    std::string frame = std::move(s->queue.front());
    s->queue.pop_front();
    auto [ec, n] = co_await s->ws.async_write(asio::buffer(frame), as_result);
    if (ec) {
      s->ended("write: " + ec.message());
      co_return;
    }
  }
  if (s->closing && s->open) {
    auto [ec] = co_await s->ws.async_close(websocket::close_code::normal, as_result);
    (void)ec;
    s->open = false;
    beast::get_lowest_layer(s->ws).close();
  }
}

}  // namespace

asio::awaitable<bool> ws_peer::connect(ws_target target, text_handler on_text, close_handler on_close) {
  auto& s = *state_;
  s.on_text = std::move(on_text);
  s.on_close = std::move(on_close);
  tcp::resolver resolver(s.ws.get_executor());
  auto [rec, endpoints] = co_await resolver.async_resolve(target.host, std::to_string(target.port), as_result);
  if (rec) {
    s.error = "resolve: " + rec.message();
    co_return false;
  }
  auto& stream = beast::get_lowest_layer(s.ws);
  stream.expires_after(std::chrono::seconds(10));
  auto [cec, ep] = co_await stream.async_connect(endpoints, as_result);
  if (cec) {
    s.error = "connect: " + cec.message();
    co_return false;
  }
  stream.socket().set_option(tcp::no_delay(true));
  stream.expires_never();
  s.ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  s.ws.read_message_max(64 * 1024 * 1024);
  auto [hec] = co_await s.ws.async_handshake(target.host + ":" + std::to_string(target.port), target.path, as_result);
  if (hec) {
    s.error = "upgrade: " + hec.message();
    co_return false;
  }
  s.open = true;
  asio::co_spawn(s.ws.get_executor(), read_loop(shared_from_this(), &s), log_escape);
  asio::co_spawn(s.ws.get_executor(), write_loop(shared_from_this(), &s), log_escape);
  co_return true;
}

void ws_peer::send(std::string text) {
  if (!state_->open || state_->closing) return;
  state_->queue.push_back(std::move(text));
  state_->wake.cancel();
}

void ws_peer::close() {
  if (!state_->open || state_->closing) return;
  state_->closing = true;
  state_->wake.cancel();
}

bool ws_peer::is_open() const { return state_->open && !state_->closing; }
const std::string& ws_peer::error() const { return state_->error; }

}  // namespace lingua::bench
