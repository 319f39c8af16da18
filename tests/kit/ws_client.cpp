#include "kit/ws_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <type_traits>
#include <utility>
#include <deque>
#include <functional>
#include <stdexcept>
#include <thread>

namespace lingua::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

using plain_ws = websocket::stream<beast::tcp_stream>;
using tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

struct ws_client::state {
  asio::io_context loop;  // first member: destroyed last, after everything that uses it
  asio::executor_work_guard<asio::io_context::executor_type> work{loop.get_executor()};
  // Tests use self-signed certificates: the server's is not verified.
  asio::ssl::context tls_context{asio::ssl::context::tls_client};
  std::optional<plain_ws> plain;  // exactly one of the two is set once connecting started
  std::optional<tls_ws> secure;
  beast::flat_buffer buffer;
  std::deque<std::string> inbox;
  bool connected = false;
  bool reading = false;
  bool closed = false;
  std::optional<std::uint16_t> code;
  std::string reason;
  websocket::response_type upgrade_response = [] {
    websocket::response_type none;
    none.result(0u);
    return none;
  }();

  // Runs the loop until done() or the deadline; returns done().
  bool run_until(const std::function<bool()>& done, clock_type::time_point deadline) {
    while (!done()) {
      if (clock_type::now() >= deadline) return false;
      loop.run_one_until(deadline);
    }
    return true;
  }

  // Aborts every pending operation and lets their handlers run.
  void cut() {
    if (!plain && !secure) return;
    with([](auto& ws) { beast::get_lowest_layer(ws).close(); });
    run_until([this] { return !reading; }, clock_type::now() + std::chrono::seconds(1));
    closed = true;
  }

  // Calls f with the connection's WebSocket stream, plain or TLS.
  template <class F>
  auto with(F&& f) -> decltype(f(std::declval<plain_ws&>())) {
    if (secure) return f(*secure);
    return f(*plain);
  }

  void start_read() {
    reading = true;
    with([this](auto& ws) {
      ws.async_read(buffer, [this, &ws](const error_code& ec, std::size_t) {
        reading = false;
        if (ec) {
          closed = true;
          // Kept even when answering the close failed (e.g. the server cut the socket right after its close frame).
          if (ws.reason().code != websocket::close_code::none) {
            code = static_cast<std::uint16_t>(ws.reason().code);
            reason = std::string(ws.reason().reason.data(), ws.reason().reason.size());
          }
          return;
        }
        if (ws.got_text()) inbox.push_back(beast::buffers_to_string(buffer.data()));
        buffer.consume(buffer.size());
        start_read();
      });
    });
  }

  error_code try_connect(const std::string& host, std::uint16_t port, const std::string& path,
                         clock_type::time_point deadline, const ws_options& options) {
    plain.reset();
    secure.reset();
    if (options.tls) {
      secure.emplace(loop, tls_context);
    } else {
      plain.emplace(loop);
    }
    return with([&](auto& ws) { return handshake(ws, host, port, path, deadline, options); });
  }

  template <class WebSocket>
  error_code handshake(WebSocket& ws, const std::string& host, std::uint16_t port, const std::string& path,
                       clock_type::time_point deadline, const ws_options& options) {
    tcp::resolver resolver(loop);
    error_code ec;
    const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return ec;
    ws.read_message_max(64 * 1024 * 1024);
    auto& stream = beast::get_lowest_layer(ws);
    stream.expires_at(deadline);
    bool done = false;
    stream.async_connect(endpoints, [&](const error_code& e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    if (!run_until([&] { return done; }, deadline + std::chrono::seconds(1))) return asio::error::timed_out;
    if (ec) return ec;
    if constexpr (std::is_same_v<WebSocket, tls_ws>) {
      // No SNI: the test server has one certificate.
      done = false;
      ws.next_layer().async_handshake(asio::ssl::stream_base::client, [&](const error_code& e) {
        ec = e;
        done = true;
      });
      if (!run_until([&] { return done; }, deadline + std::chrono::seconds(1))) return asio::error::timed_out;
      if (ec) return ec;
    }
    stream.expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.handshake_timeout =
        std::max(deadline - clock_type::now(), clock_type::duration(std::chrono::milliseconds(1)));
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator([headers = options.headers](websocket::request_type& req) {
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    done = false;
    upgrade_response = {};
    upgrade_response.result(0u);
    ws.async_handshake(upgrade_response, host + ":" + std::to_string(port), path, [&](const error_code& e) {
      ec = e;
      done = true;
    });
    if (!run_until([&] { return done; }, deadline + std::chrono::seconds(1))) {
      stream.close();
      run_until([&] { return done; }, clock_type::now() + std::chrono::seconds(1));
      return asio::error::timed_out;
    }
    return ec;
  }

  bool write(std::string data, bool text, std::chrono::milliseconds timeout) {
    if (!connected || closed) return false;
    bool done = false;
    error_code result;
    with([&](auto& ws) {
      ws.text(text);
      ws.async_write(asio::buffer(data), [&](const error_code& ec, std::size_t) {
        result = ec;
        done = true;
      });
    });
    if (!run_until([&] { return done; }, clock_type::now() + timeout)) {
      with([](auto& ws) { beast::get_lowest_layer(ws).close(); });
      run_until([&] { return done && !reading; }, clock_type::now() + std::chrono::seconds(1));
      closed = true;
      return false;
    }
    return !result;
  }
};

ws_client::ws_client() : state_(std::make_unique<state>()) {}

ws_client::~ws_client() {
  if (is_open()) close(1000, std::chrono::seconds(1));
}

void ws_client::connect(const std::string& host, std::uint16_t port, const std::string& path,
                        std::chrono::milliseconds timeout, ws_options options) {
  if (state_->connected) throw std::logic_error("ws_client::connect: already connected");
  const auto deadline = clock_type::now() + timeout;
  for (;;) {
    const error_code ec = state_->try_connect(host, port, path, deadline, options);
    if (!ec) break;
    if (ec != asio::error::connection_refused || clock_type::now() + std::chrono::milliseconds(50) >= deadline) {
      throw std::runtime_error(std::string("ws_client: cannot connect to ") + (options.tls ? "wss://" : "ws://") +
                               host + ":" + std::to_string(port) + path + ": " +
                               ec.message());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  state_->connected = true;
  state_->start_read();
}

bool ws_client::send_text(std::string text, std::chrono::milliseconds timeout) {
  return state_->write(std::move(text), true, timeout);
}

bool ws_client::send_binary(std::string data, std::chrono::milliseconds timeout) {
  return state_->write(std::move(data), false, timeout);
}

bool ws_client::send_json(const nlohmann::json& message, std::chrono::milliseconds timeout) {
  return send_text(message.dump(), timeout);
}

std::optional<std::string> ws_client::receive_text(std::chrono::milliseconds timeout) {
  auto& s = *state_;
  if (!s.connected) return std::nullopt;
  s.run_until([&] { return !s.inbox.empty() || s.closed; }, clock_type::now() + timeout);
  if (s.inbox.empty()) return std::nullopt;
  std::string message = std::move(s.inbox.front());
  s.inbox.pop_front();
  return message;
}

std::optional<nlohmann::json> ws_client::receive_json(std::chrono::milliseconds timeout) {
  auto text = receive_text(timeout);
  if (!text) return std::nullopt;
  return nlohmann::json::parse(*text);
}

std::optional<nlohmann::json> ws_client::receive_until(std::string_view type, std::chrono::milliseconds timeout) {
  const auto deadline = clock_type::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    auto message = receive_json(std::max(left, std::chrono::milliseconds(0)));
    if (!message) return std::nullopt;
    if (message->is_object() && message->value("type", "") == type) return message;
  }
}

unsigned ws_client::upgrade_status() const { return state_->upgrade_response.result_int(); }

std::string ws_client::upgrade_header(const std::string& name) const {
  const auto it = state_->upgrade_response.find(name);
  return it == state_->upgrade_response.end() ? std::string() : std::string(it->value());
}

std::size_t ws_client::pending() const { return state_->inbox.size(); }

bool ws_client::wait_closed(std::chrono::milliseconds timeout) {
  auto& s = *state_;
  if (!s.connected) return true;
  return s.run_until([&] { return s.closed; }, clock_type::now() + timeout);
}

bool ws_client::is_open() const { return state_->connected && !state_->closed; }

std::optional<std::uint16_t> ws_client::close_code() const { return state_->code; }

std::string ws_client::close_reason() const { return state_->reason; }

void ws_client::close(std::uint16_t code, std::chrono::milliseconds timeout) {
  auto& s = *state_;
  if (!is_open()) return;
  bool done = false;
  s.with([&](auto& ws) { ws.async_close(websocket::close_reason(code), [&](const error_code&) { done = true; }); });
  if (!s.run_until([&] { return done && !s.reading; }, clock_type::now() + timeout)) {
    s.with([](auto& ws) { beast::get_lowest_layer(ws).close(); });
    s.run_until([&] { return done && !s.reading; }, clock_type::now() + std::chrono::seconds(1));
  }
  s.closed = true;
}

void ws_client::drop() {
  if (!state_->connected) return;
  state_->cut();
}

}  // namespace lingua::test
