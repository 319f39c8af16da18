#include "node/engines/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "node/engines/engine.hpp"

namespace lingua::node {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool split_host_port(std::string_view authority, std::string& host, std::string& port) {
  const auto colon = authority.rfind(':');
  host = std::string(authority.substr(0, colon));
  port = colon == std::string_view::npos ? std::string("80") : std::string(authority.substr(colon + 1));
  return !host.empty() && !port.empty() && port.find_first_not_of("0123456789") == std::string::npos;
}

std::optional<http_service> parse_http_service(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) {
    error = "an inference service URL must start with http:// (got \"" + std::string(url) + "\")";
    return std::nullopt;
  }
  std::string_view rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string path = slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash));
  while (!path.empty() && path.back() == '/') path.pop_back();
  http_service s;
  s.url = std::string(url);
  if (!split_host_port(authority, s.host, s.port) || path.find_first_of("?#") != std::string::npos) {
    error = "an inference service URL needs a host, a numeric port and no query (got \"" + std::string(url) + "\")";
    return std::nullopt;
  }
  s.base_path = std::move(path);
  return s;
}

namespace {

// What the deadline cancels. Shared with the timer's handler, which may run after the exchange has ended.
struct exchange {
  explicit exchange(const asio::any_io_executor& ex) : resolver(ex), stream(ex), deadline(ex) {}
  tcp::resolver resolver;
  beast::tcp_stream stream;
  asio::steady_timer deadline;
  bool timed_out = false;
};

[[noreturn]] void fail(const http_service& service, const http_post_request& request, const std::string& what) {
  throw engine_error(service.url + request.path + ": " + what);
}

}  // namespace

asio::awaitable<http_answer> http_post(http_service service, http_post_request request) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  auto state = std::make_shared<exchange>(executor);
  state->deadline.expires_after(request.timeout);
  state->deadline.async_wait([weak = std::weak_ptr<exchange>(state)](const boost::system::error_code& ec) {
    auto s = weak.lock();
    if (ec || !s) return;
    s->timed_out = true;
    s->resolver.cancel();
    s->stream.cancel();
  });
  const std::string timed_out = "timed out after " + std::to_string(request.timeout.count()) + " ms";

  auto [resolve_error, endpoints] =
      co_await state->resolver.async_resolve(service.host, service.port, asio::as_tuple(asio::use_awaitable));
  if (state->timed_out) fail(service, request, timed_out);
  if (resolve_error) fail(service, request, "cannot resolve " + service.host + ": " + resolve_error.message());
  auto [connect_error, connected] =
      co_await state->stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
  if (state->timed_out) fail(service, request, timed_out);
  if (connect_error) fail(service, request, "cannot connect: " + connect_error.message());

  http::request<http::string_body> message{http::verb::post, service.base_path + request.path, 11};
  message.set(http::field::host, service.host + ":" + service.port);
  message.set(http::field::user_agent, "lingua-node");
  message.set(http::field::content_type, request.content_type);
  message.set(http::field::connection, "close");
  message.body() = std::move(request.body);
  message.prepare_payload();
  auto [write_error, written] = co_await http::async_write(state->stream, message, asio::as_tuple(asio::use_awaitable));
  if (state->timed_out) fail(service, request, timed_out);
  if (write_error) fail(service, request, "cannot send the request: " + write_error.message());

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(request.body_limit);
  auto [read_error, read] = co_await http::async_read(state->stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  state->deadline.cancel();
  if (state->timed_out) fail(service, request, timed_out);
  if (read_error == http::error::body_limit) {
    fail(service, request, "answer larger than " + std::to_string(request.body_limit) + " bytes");
  }
  if (read_error) fail(service, request, "no answer: " + read_error.message());
  boost::system::error_code ignored;
  state->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  auto response = parser.release();
  http_answer answer;
  answer.status = response.result_int();
  answer.content_type = std::string(response[http::field::content_type]);
  answer.body = std::move(response.body());
  co_return answer;
}

http_answer http_post_from_worker(asio::io_context& loop, const http_service& service,
                                  const http_post_request& request) {
  http_service service_copy = service;  // named, exact types: the coroutine owns its copies (docs/architecture.md)
  http_post_request request_copy = request;
  std::future<http_answer> answer =
      asio::co_spawn(loop, http_post(std::move(service_copy), std::move(request_copy)), asio::use_future);
  // The exchange ends by itself within request.timeout; the loop stopping first means the node is going away.
  while (answer.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    if (loop.stopped()) fail(service, request, "the node is stopping");
  }
  return answer.get();
}

}  // namespace lingua::node
