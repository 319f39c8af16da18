#pragma once
// Failures of a state transition, as the callers (session and node handling) need to tell them apart.
#include <system_error>

namespace lingua::state {

enum class errc {
  dependency_down = 1,  // Redis unreachable or not answering in time: fail closed (SCHEDULER_DEPENDENCY_DOWN)
  script_failed,        // a script raised an error: a broken contract between C++ and Lua, logged loudly
  bad_reply,            // a script answered in a shape this code does not know
  too_late,             // the script started after the call's deadline and did nothing (certainly not done)
  outcome_unknown,      // no reply in time: the script may or may not have run (reconcile, never guess)
};

const std::error_category& category();
std::error_code make_error_code(errc e);

}  // namespace lingua::state

template <>
struct std::is_error_code_enum<lingua::state::errc> : std::true_type {};
