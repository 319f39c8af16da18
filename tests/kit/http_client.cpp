#include "kit/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <functional>
#include <optional>
#include <thread>

namespace lingua::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

// Every operation runs with the TCP stream's own expiry (Beast closes the socket when it passes), so running the
// loop until the operation's handler has run always terminates.
struct http_connection::state {
  asio::io_context loop;
  // Tests use self-signed certificates: the server's is not verified.
  asio::ssl::context tls_context{asio::ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;  // exactly one of the two is set
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::string host;
  std::uint16_t port = 0;
  error_code connect_error;
  std::string failed_step = "connect";

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  // Calls f with the HTTP byte stream, plain or TLS.
  template <class F>
  void with(F&& f) {
    if (secure) {
      f(*secure);
    } else {
      f(*plain);
    }
  }

  void run_until(const std::function<bool()>& done) {
    while (!done()) {
      if (loop.stopped()) loop.restart();
      loop.run_one();
    }
  }

  void connect(std::chrono::milliseconds timeout, bool tls) {
    if (tls) {
      secure.emplace(loop, tls_context);
    } else {
      plain.emplace(loop);
    }
    tcp::resolver resolver(loop);
    const auto endpoints = resolver.resolve(host, std::to_string(port), connect_error);
    if (connect_error) return;
    tcp().expires_after(timeout);
    bool done = false;
    tcp().async_connect(endpoints, [&](const error_code& ec, const tcp::endpoint&) {
      connect_error = ec;
      done = true;
    });
    run_until([&] { return done; });
    if (connect_error || !secure) return;
    failed_step = "TLS handshake";  // no SNI: the test server has one certificate
    done = false;
    secure->async_handshake(asio::ssl::stream_base::client, [&](const error_code& ec) {
      connect_error = ec;
      done = true;
    });
    run_until([&] { return done; });
  }

  http_reply exchange(const std::string& method, const std::string& target, std::chrono::milliseconds timeout,
                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    http_reply reply;
    if (connect_error) {
      reply.error = failed_step + ": " + connect_error.message();
      return reply;
    }
    http::request<http::empty_body> req{http::string_to_verb(method), target, 11};
    if (req.method() == http::verb::unknown) req.method_string(method);
    req.set(http::field::host, host + ":" + std::to_string(port));
    req.set(http::field::user_agent, "lingua-test-kit");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.keep_alive(true);

    tcp().expires_after(timeout);
    bool done = false;
    error_code result;
    with([&](auto& stream) {
      http::async_write(stream, req, [&](const error_code& ec, std::size_t) {
        result = ec;
        done = true;
      });
    });
    run_until([&] { return done; });
    if (result) {
      reply.error = "write: " + result.message();
      return reply;
    }
    http::response<http::string_body> res;
    done = false;
    with([&](auto& stream) {
      http::async_read(stream, buffer, res, [&](const error_code& ec, std::size_t) {
        result = ec;
        done = true;
      });
    });
    run_until([&] { return done; });
    if (result) {
      reply.error = "read: " + result.message();
      return reply;
    }
    reply.status = res.result_int();
    reply.body = std::move(res.body());
    reply.content_type = std::string(res[http::field::content_type]);
    for (const auto& field : res) reply.headers.emplace_back(field.name_string(), field.value());
    return reply;
  }
};

http_connection::http_connection(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                                 bool tls)
    : state_(std::make_unique<state>()) {
  state_->host = host;
  state_->port = port;
  state_->connect(timeout, tls);
}

http_connection::~http_connection() {
  error_code ec;
  state_->tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
}

http_reply http_connection::get(const std::string& target, std::chrono::milliseconds timeout) {
  return request("GET", target, timeout);
}

http_reply http_connection::request(const std::string& method, const std::string& target,
                                    std::chrono::milliseconds timeout) {
  return state_->exchange(method, target, timeout);
}

http_reply http_connection::request(const std::string& method, const std::string& target,
                                    const std::vector<std::pair<std::string, std::string>>& headers,
                                    std::chrono::milliseconds timeout) {
  return state_->exchange(method, target, timeout, headers);
}

http_reply http_get(const std::string& host, std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds timeout) {
  http_connection connection(host, port, timeout);
  return connection.get(target, timeout);
}

http_reply https_get(const std::string& host, std::uint16_t port, const std::string& target,
                     std::chrono::milliseconds timeout) {
  http_connection connection(host, port, timeout, true);
  return connection.get(target, timeout);
}

bool wait_http_ok(const std::string& host, std::uint16_t port, const std::string& target,
                  std::chrono::milliseconds timeout) {
  const auto deadline = clock_type::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0) return false;
    if (http_get(host, port, target, std::min(left, std::chrono::milliseconds(1000))).status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace lingua::test
