#pragma once
// A small asynchronous HTTP/1.1 client (Boost.Beast) for the HTTP inference engines: one POST per connection
// (Connection: close), one deadline over the whole exchange (resolve, connect, write, read) and a cap on the answer's
// body. It runs on the node's event loop; an engine, which is called on a worker thread, waits for it with
// http_post_from_worker() (the worker blocks, the loop does not).
//
// Errors: every failure throws engine_error with the URL and what happened ("timed out after 15000 ms",
// "Connection refused", "answer larger than N bytes"); an HTTP error status is not a failure here (the caller maps
// it).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

namespace lingua::node {

struct http_service {
  std::string host;
  std::string port;
  std::string base_path;  // "" or "/prefix" (no trailing slash): requests go to base_path + "/utterance" etc.
  std::string url;        // as given, for messages
};

// "host[:port]" → host and port (default 80); false unless both are non-empty and the port is numeric. Shared with
// the scheduler URL's parser.
bool split_host_port(std::string_view authority, std::string& host, std::string& port);

// http://host[:port][/prefix]; nullopt (and `error`) otherwise (https:// is not supported: run the service on the
// same machine or behind a TLS-terminating proxy).
std::optional<http_service> parse_http_service(std::string_view url, std::string& error);

struct http_post_request {
  std::string path;  // appended to the service's base_path, e.g. "/v1/translate"
  std::string content_type = "application/json";
  std::string body;
  std::chrono::milliseconds timeout{15000};
  std::size_t body_limit = 64 * 1024 * 1024;  // bytes of the answer's body
};

struct http_answer {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

boost::asio::awaitable<http_answer> http_post(http_service service, http_post_request request);

// Runs http_post on `loop` (which another thread runs) and waits for its answer; throws engine_error when the loop
// stops before the answer (the node is shutting down).
http_answer http_post_from_worker(boost::asio::io_context& loop, const http_service& service,
                                  const http_post_request& request);

}  // namespace lingua::node
