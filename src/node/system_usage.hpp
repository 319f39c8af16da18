#pragma once
// The machine's resource usage for heartbeats, read from /proc (Linux): CPU busy share since the previous reading
// (/proc/stat) and memory in use (/proc/meminfo: 1 − MemAvailable/MemTotal).
#include <cstdint>

namespace lingua::node {

class system_usage {
 public:
  // CPU busy percentage since the previous call (since boot on the first), 0..100.
  double cpu_percent();
  static double memory_percent();
  static std::uint32_t memory_gb();

 private:
  std::uint64_t last_busy_ = 0;
  std::uint64_t last_total_ = 0;
};

}  // namespace lingua::node
