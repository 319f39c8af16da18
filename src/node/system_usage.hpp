#pragma once
// The machine's resource usage for heartbeats, read from /proc (Linux): CPU busy share since the previous reading
// (/proc/stat) and memory in use (/proc/meminfo: 1 − MemAvailable/MemTotal).
#include <cstdint>

namespace lingua::node {

class system_usage {
 public:
  // machine: the whole machine's busy share (what the scheduler's resource threshold is meant for).
  // process: this process's own share of the machine (for a machine shared with other work, e.g. tests on a busy
  // CI host, where the machine's share would keep the node out of selection).
  enum class cpu_scope { machine, process };
  explicit system_usage(cpu_scope scope = cpu_scope::machine) : scope_(scope) {}
  // CPU percentage since the previous call (since boot / process start on the first), 0..100.
  double cpu_percent();
  static double memory_percent();
  static std::uint32_t memory_gb();

 private:
  cpu_scope scope_;
  std::uint64_t last_busy_ = 0;
  std::uint64_t last_total_ = 0;
};

}  // namespace lingua::node
