#pragma once
// The plain-HTTP side of the network front: what a GET handler sees and returns. Free of Beast, so any module may
// include it cheaply.
#include <any>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lingua::net {

struct http_request {
  std::string method{};                                        // "GET", "POST", ... as sent
  std::string path{};                                          // target up to '?', e.g. "/metrics"
  std::string query{};                                         // target after '?', undecoded; empty when absent
  std::vector<std::pair<std::string, std::string>> headers{};  // in arrival order, names as sent
  std::string remote_endpoint{};                               // "ip:port" of the peer, for logs
  // What the route's admission check attached to an admitted upgrade (e.g. the authenticated credential); empty
  // otherwise. Read with std::any_cast.
  std::any admission{};

  // The first header with this name, compared case-insensitively.
  std::optional<std::string_view> header(std::string_view name) const;
};

// Members have default initializers, so designated initializers may name any subset: http_response{.body = "OK"}.
struct http_response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body{};
  // Sent as given after Server, Content-Type and Content-Length (which the server sets itself).
  std::vector<std::pair<std::string, std::string>> headers{};
};

// Runs on the server's event loop. An exception escaping it is logged and answered with 500.
using http_handler = std::function<boost::asio::awaitable<http_response>(const http_request&)>;

// Decides on a WebSocket upgrade before the handshake: nullopt admits it (the check may fill request.admission),
// a response refuses it (sent as is, then the connection is closed). Runs on the event loop; must not block.
using websocket_admission = std::function<std::optional<http_response>(http_request& request)>;

}  // namespace lingua::net
