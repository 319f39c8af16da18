#include "net/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "net/websocket_connection.hpp"
#include "peer_log/peer_log.hpp"

namespace lingua::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string endpoint_string(const tcp::socket& socket) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) return "?";
  const auto address = ep.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" + std::to_string(ep.port());
}

http_request summarize(const detail::upgrade_request& req, std::string remote) {
  http_request out;
  out.method = std::string(req.method_string());
  const std::string_view target = req.target();
  const auto question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.query = std::string(target.substr(question + 1));
  for (const auto& field : req) out.headers.emplace_back(field.name_string(), field.value());
  out.remote_endpoint = std::move(remote);
  return out;
}

http_response plain(unsigned status, std::string body) {
  return http_response{.status = status, .body = std::move(body)};
}

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
  // An HTTP keep-alive connection, so stop() can end it; `idle` while waiting for the next request.
  struct http_peer {
    beast::tcp_stream* stream = nullptr;
    bool idle = true;
  };

  impl(asio::any_io_executor ex, server_config cfg)
      : executor(std::move(ex)), config(std::move(cfg)), acceptor(executor) {
    error_code ec;
    address = asio::ip::make_address(config.address, ec);
    if (ec) throw std::invalid_argument("net::server: bad listen address '" + config.address + "'");
    limits = detail::connection_limits{
        .max_frame_bytes = config.max_frame_bytes,
        .messages_per_second = config.messages_per_second,
        .message_burst = config.message_burst,
        .max_queued_bytes = config.max_queued_bytes,
        .max_queued_messages = config.max_queued_messages,
        .close_timeout = config.close_timeout,
        .handshake_timeout = config.handshake_timeout,
        .idle_timeout = config.idle_timeout,
    };
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> http_session(tcp::socket socket);
  asio::awaitable<http_response> respond(const http_request& request);
  void open_websocket(beast::tcp_stream& stream, detail::upgrade_request request, http_request summary,
                      const websocket_endpoint& endpoint);
  void stop(std::uint16_t code, std::string reason);

  asio::any_io_executor executor;
  server_config config;
  asio::ip::address address;
  detail::connection_limits limits;
  tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;
  bool stopping = false;

  std::unordered_map<std::string, http_handler> get_routes;
  std::unordered_map<std::string, websocket_endpoint> websocket_routes;
  std::unordered_map<std::uint64_t, http_peer> http_peers;
  std::unordered_map<std::uint64_t, std::shared_ptr<detail::websocket_connection>> connections;
  std::uint64_t next_http_peer = 1;
  std::uint64_t next_connection = 1;
};

asio::awaitable<void> server::impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (stopping || !acceptor.is_open()) co_return;
    if (ec) {  // e.g. out of file descriptors: log and breathe instead of spinning
      peer_log::warn("listener", peer_log::peer_event::accept_error, "net: accept failed: {}", ec.message());
      asio::steady_timer pause(executor, std::chrono::milliseconds(100));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(
        executor,
        [self = shared_from_this(), s = std::move(socket)]() mutable { return self->http_session(std::move(s)); },
        [](const std::exception_ptr& e) {
          if (e) detail::log_exception("http session", e);
        });
  }
}

asio::awaitable<void> server::impl::http_session(tcp::socket socket) {
  const std::string remote = endpoint_string(socket);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  const std::uint64_t peer_id = next_http_peer++;
  http_peers.emplace(peer_id, http_peer{&stream, true});
  struct unregister {
    impl& owner;
    std::uint64_t id;
    ~unregister() { owner.http_peers.erase(id); }
  } registration{*this, peer_id};

  // stop() only cuts sessions waiting for a request; one that was busy then ends here, before its next read.
  while (!stopping) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(config.max_http_body_bytes);
    stream.expires_after(config.http_timeout);
    http_peers[peer_id].idle = true;
    auto [read_ec, read_bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (read_ec) {
      if (read_ec == http::error::end_of_stream) stream.socket().shutdown(tcp::socket::shutdown_send, read_ec);
      co_return;
    }
    http_peers[peer_id].idle = false;
    detail::upgrade_request request = parser.release();
    http_request summary = summarize(request, remote);

    http_response response;
    if (beast::websocket::is_upgrade(request)) {
      const auto route = websocket_routes.find(summary.path);
      if (route == websocket_routes.end()) {
        response = plain(404, "not found\n");
      } else if (stopping) {
        response = plain(503, "shutting down\n");
      } else {
        http_peers.erase(peer_id);
        open_websocket(stream, std::move(request), std::move(summary), route->second);
        co_return;
      }
    } else {
      response = co_await respond(summary);
    }

    const bool keep_alive = request.keep_alive() && !stopping;
    http::response<http::string_body> res;
    res.version(request.version());
    res.result(response.status);
    res.set(http::field::server, "lingua");
    res.set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) res.insert(name, value);
    res.body() = std::move(response.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(stream, res, use_tuple);
    if (write_ec || !keep_alive) break;
  }
  error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<http_response> server::impl::respond(const http_request& request) {
  const auto get = get_routes.find(request.path);
  const bool known = get != get_routes.end() || websocket_routes.contains(request.path);
  if (!known) co_return plain(404, "not found\n");
  if (request.method != "GET") {
    http_response res = plain(405, "method not allowed\n");
    res.headers.emplace_back("Allow", "GET");
    co_return res;
  }
  if (get == get_routes.end()) {  // a WebSocket path asked for without the upgrade
    http_response res = plain(426, "websocket upgrade required\n");
    res.headers.emplace_back("Upgrade", "websocket");
    co_return res;
  }
  // Spawned so that a throwing handler becomes a value here (500), not the end of the keep-alive connection.
  auto [e, response] = co_await asio::co_spawn(executor, get->second(request), use_tuple);
  if (e) {
    detail::log_exception("GET " + request.path, e);
    co_return plain(500, "internal error\n");
  }
  co_return response;
}

void server::impl::open_websocket(beast::tcp_stream& stream, detail::upgrade_request request, http_request summary,
                                  const websocket_endpoint& endpoint) {
  stream.expires_never();  // the websocket stream has timeouts of its own
  const std::uint64_t id = next_connection++;
  auto conn = std::make_shared<detail::websocket_connection>(id, summary.remote_endpoint, std::move(stream), limits,
                                                             [weak = weak_from_this()](std::uint64_t finished) {
                                                               if (auto self = weak.lock())
                                                                 self->connections.erase(finished);
                                                             });
  connections.emplace(id, conn);
  conn->start(std::move(request), std::move(summary), endpoint);
}

void server::impl::stop(std::uint16_t code, std::string reason) {
  if (stopping) return;
  stopping = true;
  spdlog::info("net: stopping ({} websocket connections, close code {})", connections.size(), code);
  error_code ec;
  acceptor.close(ec);
  for (auto& [id, peer] : http_peers) {
    if (peer.idle) peer.stream->close();
  }
  std::vector<std::shared_ptr<detail::websocket_connection>> open;
  open.reserve(connections.size());
  for (auto& [id, conn] : connections) open.push_back(conn);
  for (auto& conn : open) conn->close(code, reason);
}

server::server(asio::any_io_executor executor, server_config config)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(config))) {}

server::~server() = default;

void server::handle_get(std::string path, http_handler handler) {
  impl_->get_routes.insert_or_assign(std::move(path), std::move(handler));
}

void server::handle_websocket(std::string path, websocket_endpoint endpoint) {
  impl_->websocket_routes.insert_or_assign(std::move(path), std::move(endpoint));
}

void server::start() {
  const tcp::endpoint endpoint(impl_->address, impl_->config.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->bound_port = acceptor.local_endpoint().port();
  spdlog::info("net: listening on {}:{}", impl_->config.address, impl_->bound_port);
  asio::co_spawn(
      impl_->executor, [self = impl_] { return self->accept_loop(); },
      [](const std::exception_ptr& e) {
        if (e) detail::log_exception("net accept loop", e);
      });
}

std::uint16_t server::port() const noexcept { return impl_->bound_port; }

void server::stop(std::uint16_t code, std::string reason) { impl_->stop(code, std::move(reason)); }

std::size_t server::connection_count() const noexcept { return impl_->connections.size(); }

}  // namespace lingua::net
