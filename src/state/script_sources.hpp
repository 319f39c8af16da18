#pragma once
// The Lua scripts of lua/, embedded at build time with their includes expanded (cmake/embed_lua_run.cmake).
#include <vector>

namespace lingua::state {

struct script_source {
  const char* name;  // file name without .lua, e.g. "dispatch_task"
  const char* text;
};

const std::vector<script_source>& script_sources();

}  // namespace lingua::state
