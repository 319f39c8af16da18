#include "net/admission.hpp"

#include <algorithm>

namespace lingua::net {

admission_limits effective_limits(std::size_t max_connections, std::size_t max_per_address,
                                  std::size_t fd_soft_limit) {
  // Descriptors not for peers: Redis connections, the log, the listener, the embedded Redis's pipes, and one spare
  // for shedding a connection when accept() reports EMFILE.
  const std::size_t reserve = std::max<std::size_t>(64, fd_soft_limit / 20);
  const std::size_t sockets = fd_soft_limit > reserve + 32 ? fd_soft_limit - reserve : 32;
  // Room for plain HTTP (health checks, metrics) when every websocket slot is taken.
  const std::size_t http_room = std::max<std::size_t>(16, sockets / 10);
  std::size_t websockets = sockets > http_room ? sockets - http_room : sockets / 2;
  if (max_connections != 0) websockets = std::min(websockets, max_connections);
  return admission_limits{.max_sockets = sockets, .max_websockets = websockets, .max_per_address = max_per_address};
}

admission::verdict admission::admit_socket(const std::string& address, bool ignore_socket_cap) {
  if (!ignore_socket_cap && limits_.max_sockets != 0 && sockets_ >= limits_.max_sockets) return verdict::server_full;
  std::size_t& mine = per_address_[address];
  if (limits_.max_per_address != 0 && mine >= limits_.max_per_address) return verdict::address_full;
  ++mine;
  ++sockets_;
  return verdict::admitted;
}

void admission::release_socket(const std::string& address) {
  const auto it = per_address_.find(address);
  if (it == per_address_.end()) return;
  if (--it->second == 0) per_address_.erase(it);
  if (sockets_ > 0) --sockets_;
}

bool admission::admit_websocket() {
  if (limits_.max_websockets != 0 && websockets_ >= limits_.max_websockets) return false;
  ++websockets_;
  return true;
}

void admission::release_websocket() {
  if (websockets_ > 0) --websockets_;
}

bool admission::under_pressure() const noexcept {
  if (limits_.max_websockets != 0 && websockets_ >= limits_.max_websockets) return true;
  return limits_.max_sockets != 0 && sockets_ * 4 >= limits_.max_sockets * 3;
}

std::size_t admission::sockets_from(const std::string& address) const {
  const auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

}  // namespace lingua::net
