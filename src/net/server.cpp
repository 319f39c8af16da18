#include "net/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "asio/log_escape.hpp"
#include "net/admission.hpp"
#include "net/fd_limit.hpp"
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

// Who a socket counts against for the per-address cap ("10.0.0.1"; an IPv6 peer by its /64, since one host
// usually holds a whole /64; "?" when unknown), and "ip:port" for logs.
struct peer_address {
  std::string address;
  std::string endpoint;
};

peer_address address_of(const tcp::socket& socket) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) return peer_address{"?", "?"};
  auto address = ep.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  std::string text = address.to_string();
  std::string endpoint = (address.is_v6() ? "[" + text + "]" : text) + ":" + std::to_string(ep.port());
  if (address.is_v6() && !address.is_loopback()) {
    auto bytes = address.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), static_cast<unsigned char>(0));
    text = asio::ip::address_v6(bytes).to_string() + "/64";
  }
  return peer_address{std::move(text), std::move(endpoint)};
}

bool out_of_descriptors(const error_code& ec) {
  return ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system;
}

// One descriptor held back for the moment accept() reports EMFILE: freed to accept and close the waiting
// connection (so the listener's backlog drains instead of the accept loop failing over and over), then taken again.
class spare_descriptor {
 public:
  spare_descriptor() { take(); }
  ~spare_descriptor() { release(); }
  spare_descriptor(const spare_descriptor&) = delete;
  spare_descriptor& operator=(const spare_descriptor&) = delete;
  void take() {
    if (fd_ < 0) fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

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

// The server side of TLS 1.2 and newer with OpenSSL's default ciphers; the chain and key are read once, here.
// Throws std::invalid_argument naming the file that could not be used and why.
asio::ssl::context make_tls_context(const std::string& cert_file, const std::string& key_file) {
  asio::ssl::context context(asio::ssl::context::tls_server);
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                      asio::ssl::context::single_dh_use);
  error_code ec;
  context.use_certificate_chain_file(cert_file, ec);
  if (ec) {
    throw std::invalid_argument("TLS: cannot use the certificate chain server.tls_cert = '" + cert_file +
                                "': " + ec.message());
  }
  // OpenSSL checks here that the key belongs to the certificate.
  context.use_private_key_file(key_file, asio::ssl::context::pem, ec);
  if (ec) {
    throw std::invalid_argument("TLS: cannot use the private key server.tls_key = '" + key_file +
                                "' (with certificate '" + cert_file + "'): " + ec.message());
  }
  return context;
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
    bool evicted = false;  // closed to make room (evict_idle_http_peer)
  };

  impl(asio::any_io_executor ex, server_config cfg)
      : executor(std::move(ex)),
        config(std::move(cfg)),
        acceptor(executor),
        caps(effective_limits(config.max_connections, config.max_connections_per_address,
                              config.fd_limit != 0 ? config.fd_limit : current_fd_limit().soft)) {
    error_code ec;
    address = asio::ip::make_address(config.address, ec);
    if (ec) throw std::invalid_argument("net::server: bad listen address '" + config.address + "'");
    if (!config.tls_cert_file.empty()) tls.emplace(make_tls_context(config.tls_cert_file, config.tls_key_file));
    limits = detail::connection_limits{
        .max_frame_bytes = config.max_frame_bytes,
        .messages_per_second = config.messages_per_second,
        .message_burst = config.message_burst,
        .max_queued_bytes = config.max_queued_bytes,
        .max_queued_messages = config.max_queued_messages,
        .close_timeout = config.close_timeout,
        .handshake_timeout = config.handshake_timeout,
        .idle_timeout = config.idle_timeout,
        .first_message_timeout = config.first_message_timeout,
        .rate_limit_close_after = config.rate_limit_close_after,
    };
  }

  asio::awaitable<void> accept_loop();
  bool shed_one_connection();
  bool evict_idle_http_peer();
  asio::awaitable<void> http_session(tcp::socket socket, peer_address peer);
  template <class Stream>
  asio::awaitable<void> serve_http(Stream& stream, peer_address peer);
  std::chrono::milliseconds request_timeout() const;
  asio::awaitable<http_response> respond(const http_request& request);
  template <class Stream>
  void open_websocket(Stream& stream, detail::upgrade_request request, http_request summary,
                      const websocket_endpoint& endpoint, std::string source);
  void stop(std::uint16_t code, std::string reason);

  asio::any_io_executor executor;
  server_config config;
  asio::ip::address address;
  detail::connection_limits limits;
  tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;
  bool stopping = false;
  admission caps;
  spare_descriptor spare;

  std::unordered_map<std::string, http_handler> get_routes;
  std::unordered_map<std::string, http_handler> post_routes;
  struct websocket_route {
    websocket_endpoint endpoint;
    websocket_admission admit;
  };
  std::unordered_map<std::string, websocket_route> websocket_routes;
  std::map<std::uint64_t, http_peer> http_peers;  // oldest first (ids increase): evict_idle_http_peer()
  std::unordered_map<std::uint64_t, std::shared_ptr<connection>> connections;
  std::optional<asio::ssl::context> tls;  // set when config.tls_cert_file is: every socket speaks TLS
  std::uint64_t next_http_peer = 1;
  std::uint64_t next_connection = 1;
};

asio::awaitable<void> server::impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (stopping || !acceptor.is_open()) co_return;
    if (ec) {
      peer_log::warn("listener", peer_log::peer_event::accept_error, "net: accept failed: {}", ec.message());
      // Out of descriptors: shed the waiting connection with the spare one. Otherwise (or if that did not work),
      // breathe instead of spinning.
      if (!out_of_descriptors(ec) || !shed_one_connection()) {
        asio::steady_timer pause(executor, std::chrono::milliseconds(50));
        co_await pause.async_wait(use_tuple);
      }
      continue;
    }
    peer_address peer = address_of(socket);
    admission::verdict verdict = caps.admit_socket(peer.address);
    // At the socket cap a new socket takes the place of the oldest one waiting for a request, so that a flood of
    // silent sockets from many addresses cannot keep /health and new clients out.
    if (verdict == admission::verdict::server_full && evict_idle_http_peer()) {
      verdict = caps.admit_socket(peer.address, admission::beyond_socket_cap);
    }
    if (verdict != admission::verdict::admitted) {
      peer_log::warn(peer.endpoint, peer_log::peer_event::refused_connection, "net: {} refused: {} ({} sockets open)",
                     peer.endpoint,
                     verdict == admission::verdict::address_full
                         ? "too many sockets from this address (cap " + std::to_string(caps.limits().max_per_address) +
                               ")"
                         : std::string("server at its socket cap"),
                     caps.sockets());
      socket.close(ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(
        executor,
        [self = shared_from_this(), s = std::move(socket), p = std::move(peer)]() mutable {
          return self->http_session(std::move(s), std::move(p));
        },
        log_escape("http session"));
  }
}

bool server::impl::evict_idle_http_peer() {
  for (auto& [id, peer] : http_peers) {
    if (!peer.idle || peer.evicted) continue;
    peer.evicted = true;
    peer.stream->close();  // the descriptor is free now; the session ends and releases its count right after
    peer_log::info("listener", peer_log::peer_event::refused_connection,
                   "net: at the socket cap, the oldest socket waiting for a request was closed for a new one");
    return true;
  }
  return false;
}

bool server::impl::shed_one_connection() {
  spare.release();
  error_code ec;
  error_code accepted;
  acceptor.non_blocking(true, ec);
  tcp::socket shed(executor);
  acceptor.accept(shed, accepted);
  shed.close(ec);
  acceptor.non_blocking(false, ec);
  spare.take();
  return !accepted;
}

asio::awaitable<void> server::impl::http_session(tcp::socket socket, peer_address peer) {
  if (tls) {
    detail::tls_stream stream(beast::tcp_stream(std::move(socket)), *tls);
    co_await serve_http(stream, std::move(peer));
  } else {
    detail::plain_stream stream(std::move(socket));
    co_await serve_http(stream, std::move(peer));
  }
}

// A fresh socket has this long to send its request (TLS handshake included), a keep-alive one to send the next;
// less when crowded.
std::chrono::milliseconds server::impl::request_timeout() const {
  if (caps.under_pressure()) return std::min(config.http_timeout, config.http_timeout_under_pressure);
  return config.http_timeout;
}

template <class Stream>
asio::awaitable<void> server::impl::serve_http(Stream& stream, peer_address peer) {
  const std::string remote = peer.endpoint;
  beast::tcp_stream& tcp_layer = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  const std::uint64_t peer_id = next_http_peer++;
  // Idle (evictable at the socket cap) from the start: a socket that has not finished its TLS handshake is as
  // silent as one that has not sent its request.
  http_peers.emplace(peer_id, http_peer{&tcp_layer, true, false});
  // The socket counts against the caps until it closes here, or until the websocket it became finishes.
  struct unregister {
    impl& owner;
    std::uint64_t id;
    std::string address;
    bool upgraded = false;
    ~unregister() {
      owner.http_peers.erase(id);
      if (!upgraded) owner.caps.release_socket(address);
    }
  } registration{*this, peer_id, peer.address};

  tcp_layer.expires_after(request_timeout());
  if constexpr (std::is_same_v<Stream, detail::tls_stream>) {
    // Within the first request's deadline: a peer slow at the handshake is a silent socket like any other.
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
    if (handshake_ec) {
      peer_log::info(remote, peer_log::peer_event::connection_error, "net: TLS handshake with {} failed: {}", remote,
                     handshake_ec.message());
      co_return;
    }
  }
  bool first_request = true;

  // stop() only cuts sessions waiting for a request; one that was busy then ends here, before its next read.
  while (!stopping) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(config.max_http_body_bytes);
    if (!first_request) tcp_layer.expires_after(request_timeout());  // the first one's runs since the accept
    first_request = false;
    http_peers[peer_id].idle = true;
    auto [read_ec, read_bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (read_ec) {
      if (read_ec == beast::error::timeout) {
        peer_log::info(remote, peer_log::peer_event::deadline, "net: {} sent no complete HTTP request in time, closed",
                       remote);
      }
      if (read_ec == http::error::end_of_stream) tcp_layer.socket().shutdown(tcp::socket::shutdown_send, read_ec);
      co_return;
    }
    http_peers[peer_id].idle = false;
    detail::upgrade_request request = parser.release();
    http_request summary = summarize(request, remote);

    http_response response;
    bool refused_upgrade = false;
    if (beast::websocket::is_upgrade(request)) {
      const auto route = websocket_routes.find(summary.path);
      std::optional<http_response> refusal;
      if (route != websocket_routes.end() && !stopping && route->second.admit) refusal = route->second.admit(summary);
      if (route == websocket_routes.end()) {
        response = plain(404, "not found\n");
      } else if (stopping) {
        response = plain(503, "shutting down\n");
      } else if (refusal) {
        response = std::move(*refusal);
        refused_upgrade = true;
      } else if (!caps.admit_websocket()) {
        peer_log::warn(remote, peer_log::peer_event::refused_connection,
                       "net: upgrade from {} refused: {} websocket connections (the cap)", remote, caps.websockets());
        response = plain(503, "server at its connection limit, try again later\n");
        response.headers.emplace_back("Retry-After", "5");
        request.keep_alive(false);
      } else {
        http_peers.erase(peer_id);
        registration.upgraded = true;
        open_websocket(stream, std::move(request), std::move(summary), route->second.endpoint, peer.address);
        co_return;
      }
    } else {
      response = co_await respond(summary);
    }

    const bool keep_alive = request.keep_alive() && !stopping && !refused_upgrade;
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
  tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<http_response> server::impl::respond(const http_request& request) {
  const auto get = get_routes.find(request.path);
  const auto post = post_routes.find(request.path);
  const bool known = get != get_routes.end() || post != post_routes.end() || websocket_routes.contains(request.path);
  if (!known) co_return plain(404, "not found\n");
  const http_handler* handler = nullptr;
  if (post != post_routes.end()) {
    if (request.method != "POST") {
      http_response res = plain(405, "method not allowed\n");
      res.headers.emplace_back("Allow", "POST");
      co_return res;
    }
    handler = &post->second;
  } else if (request.method != "GET") {
    http_response res = plain(405, "method not allowed\n");
    res.headers.emplace_back("Allow", "GET");
    co_return res;
  } else if (get != get_routes.end()) {
    handler = &get->second;
  }
  if (handler == nullptr) {  // a WebSocket path asked for without the upgrade
    http_response res = plain(426, "websocket upgrade required\n");
    res.headers.emplace_back("Upgrade", "websocket");
    co_return res;
  }
  // Spawned so that a throwing handler becomes a value here (500), not the end of the keep-alive connection.
  auto [e, response] = co_await asio::co_spawn(executor, (*handler)(request), use_tuple);
  if (e) {
    log_escaped(request.method + " " + request.path, e);
    co_return plain(500, "internal error\n");
  }
  co_return response;
}

template <class Stream>
void server::impl::open_websocket(Stream& stream, detail::upgrade_request request, http_request summary,
                                  const websocket_endpoint& endpoint, std::string source) {
  beast::get_lowest_layer(stream).expires_never();  // the websocket stream has timeouts of its own
  const std::uint64_t id = next_connection++;
  auto on_finished = [weak = weak_from_this(), address = std::move(source)](std::uint64_t finished) {
    if (auto self = weak.lock()) {
      self->connections.erase(finished);
      self->caps.release_websocket();
      self->caps.release_socket(address);
    }
  };
  detail::connection_limits own_limits = limits;
  if (config.metrics != nullptr) {
    const std::string_view path = summary.path;
    own_limits.meters = &config.metrics->socket(path.starts_with("/ws/") ? path.substr(4) : path);
  }
  auto conn = std::make_shared<detail::websocket_connection<Stream>>(id, summary.remote_endpoint,
                                                                     std::move(stream), own_limits, std::move(on_finished));
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
  std::vector<std::shared_ptr<connection>> open;
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

void server::handle_post(std::string path, http_handler handler) {
  impl_->post_routes.insert_or_assign(std::move(path), std::move(handler));
}

void server::handle_websocket(std::string path, websocket_endpoint endpoint, websocket_admission admit) {
  impl_->websocket_routes.insert_or_assign(std::move(path), impl::websocket_route{std::move(endpoint), std::move(admit)});
}

void server::start() {
  const tcp::endpoint endpoint(impl_->address, impl_->config.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  if (impl_->config.reuse_port) {
    acceptor.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
  }
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->bound_port = acceptor.local_endpoint().port();
  const admission_limits& caps = impl_->caps.limits();
  const char* transport = impl_->tls ? "TLS: wss://, https://" : "plain: ws://, http://";
  spdlog::info("net: listening on {}:{} ({}; caps: {} websockets, {} sockets, {} per address)",
               impl_->config.address, impl_->bound_port, transport, caps.max_websockets, caps.max_sockets,
               caps.max_per_address);
  asio::co_spawn(
      impl_->executor, [self = impl_] { return self->accept_loop(); },
      log_escape("net accept loop"));
}

std::uint16_t server::port() const noexcept { return impl_->bound_port; }

void server::stop(std::uint16_t code, std::string reason) { impl_->stop(code, std::move(reason)); }

std::size_t server::connection_count() const noexcept { return impl_->connections.size(); }

std::size_t server::socket_count() const noexcept { return impl_->caps.sockets(); }

}  // namespace lingua::net
