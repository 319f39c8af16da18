#pragma once
// The process's file-descriptor budget: every socket is one descriptor, so the connection caps are derived from it.
#include <cstddef>

namespace lingua::net {

struct fd_limit {
  std::size_t soft = 0;  // the limit in force (after raise_fd_limit: the hard limit, if it could be raised)
  std::size_t hard = 0;
  bool raised = false;   // true when this call changed the soft limit
};

// Sets RLIMIT_NOFILE's soft limit to its hard limit (a default soft limit of 1,024 let 1,100 silent sockets lock
// every client out), or to `wanted` when that is not 0 and below the hard limit, and returns the result. Never
// throws; on failure it reports the limit unchanged.
fd_limit raise_fd_limit(std::size_t wanted = 0) noexcept;

// The current limit, unchanged.
fd_limit current_fd_limit() noexcept;

}  // namespace lingua::net
