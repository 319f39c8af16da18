#pragma once
// Parsing of client_options::address: "redis://host[:port]" (port 6379 when absent, IPv6 hosts in brackets) or
// "unix:///absolute/path".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lingua::redis {

struct server_address {
  enum class transport { tcp, unix_socket };
  transport kind = transport::tcp;
  std::string host;         // tcp only
  std::uint16_t port = 0;   // tcp only
  std::string path;         // unix_socket only

  friend bool operator==(const server_address&, const server_address&) = default;
};

// std::nullopt for anything malformed (unknown scheme, empty host, bad port, relative socket path).
std::optional<server_address> parse_address(std::string_view text);

}  // namespace lingua::redis
