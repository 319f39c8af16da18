#pragma once
// The id an instance uses when [instance] id is empty.
#include <string>

#include "config/scheduler_config.hpp"

namespace lingua::config {

// "<hostname>-<pid>-<8 hex>": readable in logs and Redis, and unique even when a restarted process reuses a pid.
// Characters of the hostname outside [A-Za-z0-9._-] become '-', so the id passes validate().
std::string generate_instance_id();

// `instance.id` when set, otherwise a freshly generated one (call once at start-up and keep the result).
std::string effective_instance_id(const instance_section& instance);

}  // namespace lingua::config
