#pragma once
// CPU time and resident memory of processes, read from /proc (the scheduler instances: started by the bench or
// given by pid), and of the bench itself.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace lingua::bench {

struct process_reading {
  double cpu_seconds = 0;    // utime + stime, every thread
  std::uint64_t rss_bytes = 0;
};

// nullopt when the process is gone.
std::optional<process_reading> read_process(pid_t pid);
// The sum over `pids` and their live descendants (the workers of a `--workers N` scheduler), an embedded
// redis-server child excepted (missing processes count as 0).
process_reading read_processes(const std::vector<pid_t>& pids);
// This process (getrusage): CPU only.
double own_cpu_seconds();

}  // namespace lingua::bench
