#pragma once
// Message-rate limit of one connection: `burst` tokens at most, refilled at `rate` per second, one per message.
#include <chrono>

namespace lingua::net {

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  // rate <= 0 disables the limit (try_take always succeeds). Starts full.
  token_bucket(double rate, double burst, clock::time_point now) noexcept;

  // Takes one token if there is one.
  bool try_take(clock::time_point now) noexcept;
  // How long until try_take can succeed (zero when a token is there now).
  clock::duration time_until_token(clock::time_point now) const noexcept;

 private:
  double rate_;
  double burst_;
  double tokens_;
  clock::time_point last_;
};

}  // namespace lingua::net
