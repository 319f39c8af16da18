#pragma once
// The two clocks of the session endpoint, in milliseconds: steady for deadlines and waits measured here, wall for
// timestamps a peer reads (server_heartbeat, result times).
#include <chrono>
#include <cstdint>

namespace lingua::endpoint {

inline std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace lingua::endpoint
