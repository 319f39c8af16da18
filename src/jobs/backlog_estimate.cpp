#include "jobs/backlog_estimate.hpp"

#include <algorithm>
#include <cmath>

namespace lingua::jobs {

double drain_below_bound_ms(std::int64_t waiting, std::int64_t bound, double per_second) {
  const double excess = static_cast<double>(std::max<std::int64_t>(waiting - bound + 1, 1));
  return std::ceil(excess * 1000.0 / per_second);
}

void backlog_estimate::observe(std::int64_t now_ms, std::int64_t ahead, std::int64_t waited_ms) {
  if (ahead < 1) return;
  if (observed_ && now_ms > last_ms_ && limits_.window_ms > 0) {
    const double keep = std::exp(-static_cast<double>(now_ms - last_ms_) / static_cast<double>(limits_.window_ms));
    ahead_sum_ *= keep;
    waited_sum_ *= keep;
  }
  ahead_sum_ += static_cast<double>(ahead);
  waited_sum_ += static_cast<double>(std::max<std::int64_t>(waited_ms, 1));  // a wait under 1 ms counts as 1 ms
  last_ms_ = std::max(last_ms_, now_ms);
  observed_ = true;
}

std::optional<double> backlog_estimate::drain_per_second(std::int64_t now_ms) const {
  if (!observed_ || now_ms - last_ms_ > limits_.stale_after_ms) return std::nullopt;
  return ahead_sum_ * 1000.0 / waited_sum_;
}

std::optional<std::int64_t> backlog_estimate::expected_wait_ms(std::int64_t now_ms, std::int64_t waiting) const {
  const auto rate = drain_per_second(now_ms);
  if (!rate) return std::nullopt;
  return static_cast<std::int64_t>(std::ceil(static_cast<double>(std::max<std::int64_t>(waiting, 0)) * 1000.0 / *rate));
}

std::int64_t backlog_estimate::bound(std::int64_t now_ms) const {
  const auto rate = drain_per_second(now_ms);
  if (limits_.wait_budget_ms <= 0 || !rate) return limits_.max_backlog;
  const double fits = std::floor(*rate * static_cast<double>(limits_.wait_budget_ms) / 1000.0);
  // Compared as doubles first: a huge rate must not overflow the conversion.
  std::int64_t n = fits >= 9.0e15 ? std::int64_t{9'000'000'000'000'000} : static_cast<std::int64_t>(fits);
  n = std::max<std::int64_t>(n, 1);
  if (limits_.max_backlog > 0) n = std::min(n, limits_.max_backlog);
  return n;
}

}  // namespace lingua::jobs
