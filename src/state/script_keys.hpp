#pragma once
// KEYS of one script call, counted at compile time against the script's header: script_keys::<name> (generated
// from lua/ into state/script_key_counts.hpp by cmake/embed_lua_run.cmake) is what the header declares, and a call
// site that passes a different number does not build. Argument lists are built by these calls into named locals,
// never as braced lists inside a co_await (GCC 12 mis-compiles those in coroutines).
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "state/script_key_counts.hpp"

namespace lingua::state {

// Number of the state keys every transition script receives first (lua/includes/state_keys.lua, state_keys::fixed).
inline constexpr std::size_t fixed_state_key_count = 13;

// All the KEYS of a script that takes no state keys.
template <std::size_t Declared, class... K>
std::vector<std::string> script_keys_of(K&&... keys) {
  static_assert(sizeof...(K) == Declared, "this call passes a different number of KEYS than the script's header declares");
  std::vector<std::string> out;
  out.reserve(sizeof...(K));
  (out.emplace_back(std::forward<K>(keys)), ...);
  return out;
}

// The KEYS after the state keys of a transition script (scheduler_state::run puts the state keys first).
template <std::size_t Declared, class... K>
std::vector<std::string> transition_keys_of(K&&... keys) {
  static_assert(fixed_state_key_count + sizeof...(K) == Declared,
                "this call passes a different number of KEYS than the script's header declares");
  std::vector<std::string> out;
  out.reserve(sizeof...(K));
  (out.emplace_back(std::forward<K>(keys)), ...);
  return out;
}

}  // namespace lingua::state
