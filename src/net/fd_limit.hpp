#pragma once
// The process's file-descriptor budget: every socket is one descriptor, so the connection caps are derived from it.
#include <cstddef>

namespace lingua::net {

struct fd_limit {
  std::size_t soft = 0;  // the limit in force (after raise_fd_limit: the hard limit, if it could be raised)
  std::size_t hard = 0;
  bool raised = false;   // true when this call raised the soft limit
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit (a default soft limit of 1,024 lets 1,100 silent sockets lock
// every client out) and returns the result. Never throws; on failure it reports the limit unchanged.
fd_limit raise_fd_limit() noexcept;

// The current limit, unchanged.
fd_limit current_fd_limit() noexcept;

}  // namespace lingua::net
