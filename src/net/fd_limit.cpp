#include "net/fd_limit.hpp"

#include <sys/resource.h>

namespace lingua::net {

namespace {

std::size_t as_size(rlim_t value) {
  // RLIM_INFINITY: treat as "very many" (a cap derived from it is then the configured one).
  if (value == RLIM_INFINITY) return static_cast<std::size_t>(1) << 30;
  return static_cast<std::size_t>(value);
}

}  // namespace

fd_limit current_fd_limit() noexcept {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return fd_limit{.soft = 1024, .hard = 1024, .raised = false};
  return fd_limit{.soft = as_size(limit.rlim_cur), .hard = as_size(limit.rlim_max), .raised = false};
}

fd_limit raise_fd_limit(std::size_t wanted) noexcept {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return current_fd_limit();
  rlim_t target = limit.rlim_max;
  if (wanted != 0 && (limit.rlim_max == RLIM_INFINITY || static_cast<rlim_t>(wanted) < limit.rlim_max)) {
    target = static_cast<rlim_t>(wanted);
  }
  if (limit.rlim_cur != target) {
    rlimit next = limit;
    next.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &next) == 0) {
      fd_limit out = current_fd_limit();
      out.raised = true;
      return out;
    }
  }
  return current_fd_limit();
}

}  // namespace lingua::net
