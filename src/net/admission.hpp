#pragma once
// Which sockets the server keeps: the connection caps, counted per source address and in all. Pure bookkeeping on
// the server's single event loop (no locks); server.cpp asks it at accept and at upgrade, and releases on close.
//
// Three limits, from the narrowest:
//  - per address: sockets from one address, upgraded or not (so a flood of silent TCP sockets from one address
//    exhausts only that address's share, never everyone's);
//  - websockets: upgraded connections in all (an upgrade over it gets HTTP 503);
//  - sockets: every accepted socket in all, kept below the file-descriptor limit; over it a socket is closed at
//    once. It is larger than the websocket cap so that plain GETs (/health) are still served when the websocket
//    cap is reached.
#include <cstddef>
#include <string>
#include <unordered_map>

namespace lingua::net {

struct admission_limits {
  std::size_t max_sockets = 0;      // 0 = unlimited
  std::size_t max_websockets = 0;   // 0 = unlimited
  std::size_t max_per_address = 0;  // 0 = unlimited
};

// The limits actually enforced with `fd_soft_limit` descriptors: sockets at most the limit minus a reserve (Redis,
// log, listener, accept headroom), websockets at most sockets minus room for plain HTTP.
admission_limits effective_limits(std::size_t max_connections, std::size_t max_per_address,
                                  std::size_t fd_soft_limit);

class admission {
 public:
  enum class verdict { admitted, address_full, server_full };

  explicit admission(admission_limits limits) : limits_(limits) {}

  // Passed when the caller has just closed another socket to make room: the socket cap is not checked (the count
  // is over it until that socket's release, the descriptors are not).
  static constexpr bool beyond_socket_cap = true;

  // A freshly accepted socket from `address`; counted only when admitted.
  verdict admit_socket(const std::string& address, bool ignore_socket_cap = false);
  void release_socket(const std::string& address);
  // An upgrade of a socket already counted; counted only when true.
  bool admit_websocket();
  void release_websocket();

  // Many sockets open (≥ 3/4 of max_sockets, or websockets at their cap): fresh sockets get short deadlines.
  bool under_pressure() const noexcept;

  std::size_t sockets() const noexcept { return sockets_; }
  std::size_t websockets() const noexcept { return websockets_; }
  std::size_t sockets_from(const std::string& address) const;
  const admission_limits& limits() const noexcept { return limits_; }

 private:
  admission_limits limits_;
  std::size_t sockets_ = 0;
  std::size_t websockets_ = 0;
  std::unordered_map<std::string, std::size_t> per_address_;
};

}  // namespace lingua::net
