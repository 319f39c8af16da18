#include "net/token_bucket.hpp"

#include <algorithm>

namespace lingua::net {

token_bucket::token_bucket(double rate, double burst, clock::time_point now) noexcept
    : rate_(rate), burst_(std::max(burst, 1.0)), tokens_(burst_), last_(now) {}

bool token_bucket::try_take(clock::time_point now) noexcept {
  if (rate_ <= 0) return true;
  if (now > last_) {
    const std::chrono::duration<double> elapsed = now - last_;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    last_ = now;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

token_bucket::clock::duration token_bucket::time_until_token(clock::time_point now) const noexcept {
  if (rate_ <= 0) return clock::duration::zero();
  double tokens = tokens_;
  if (now > last_) tokens = std::min(burst_, tokens + std::chrono::duration<double>(now - last_).count() * rate_);
  if (tokens >= 1.0) return clock::duration::zero();
  const std::chrono::duration<double> wait((1.0 - tokens) / rate_);
  // Rounded up, so that try_take succeeds when the wait is over.
  return std::chrono::ceil<clock::duration>(wait) + std::chrono::microseconds(1);
}

}  // namespace lingua::net
