#pragma once
// The two clocks of a process, in milliseconds: steady for deadlines and waits measured here, wall for timestamps
// another process reads (heartbeats, result times, start times). Header-only: it needs nothing but <chrono>.
#include <chrono>
#include <cstdint>

namespace lingua {

inline std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace lingua
