#pragma once
// The Lua scripts of lua/, embedded at build time with their includes expanded (cmake/embed_lua_run.cmake).
#include <cstddef>
#include <vector>

namespace lingua::state {

struct script_source {
  const char* name;  // file name without .lua, e.g. "dispatch_task"
  const char* text;
  std::size_t keys;       // KEYS declared by its header (state/script_key_counts.hpp has the same as constants)
  bool variable_keys;     // the header declares KEYS[a..n]: `keys` fixed ones, then any number
};

const std::vector<script_source>& script_sources();

}  // namespace lingua::state
