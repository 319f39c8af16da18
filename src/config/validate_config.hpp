#pragma once
// Checks that a configuration is usable as a whole: ranges, positive durations, and relations between fields
// (minimum ≤ maximum, renewal faster than expiry). Reading and typing are the loader's job; this sees only values.
#include <string>
#include <vector>

#include "config/scheduler_config.hpp"

namespace lingua::config {

// Every problem found, one sentence each naming the key ("jobs.max_attempts must be at least 1 (got 0)");
// empty when the configuration is valid.
std::vector<std::string> validate(const scheduler_config& config);

}  // namespace lingua::config
