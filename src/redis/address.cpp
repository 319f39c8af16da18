#include "redis/address.hpp"

#include <charconv>

namespace lingua::redis {
namespace {

constexpr std::string_view tcp_scheme = "redis://";
constexpr std::string_view unix_scheme = "unix://";
constexpr std::uint16_t default_port = 6379;

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (first == last || ec != std::errc{} || end != last || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

std::optional<server_address> parse_tcp(std::string_view rest) {
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  server_address a;
  a.kind = server_address::transport::tcp;
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    a.host = std::string(rest.substr(1, close - 1));
    auto tail = rest.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return std::nullopt;
      port_text = tail.substr(1);
      if (port_text.empty()) return std::nullopt;
    }
  } else {
    auto colon = rest.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
      if (port_text.empty()) return std::nullopt;
    }
    a.host = std::string(rest);
  }
  if (a.host.empty() || a.host.find_first_of("/@ ") != std::string::npos) return std::nullopt;
  a.port = default_port;
  if (!port_text.empty()) {
    auto port = parse_port(port_text);
    if (!port) return std::nullopt;
    a.port = *port;
  }
  return a;
}

}  // namespace

std::optional<server_address> parse_address(std::string_view text) {
  if (text.starts_with(tcp_scheme)) return parse_tcp(text.substr(tcp_scheme.size()));
  if (text.starts_with(unix_scheme)) {
    auto path = text.substr(unix_scheme.size());
    constexpr std::size_t max_socket_path = 107;  // sizeof(sockaddr_un::sun_path) - 1 on Linux
    if (path.size() < 2 || path.size() > max_socket_path || path.front() != '/') return std::nullopt;
    server_address a;
    a.kind = server_address::transport::unix_socket;
    a.path = std::string(path);
    return a;
  }
  return std::nullopt;
}

}  // namespace lingua::redis
