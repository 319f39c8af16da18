# lingua_embed_lua(TARGET out_cpp SCRIPTS a.lua b.lua ...)
# Generates a C++ source that holds every script's text, with `-- @include "file"` lines replaced by that file
# (relative to lua/), so shared Lua pieces such as node selection exist once in the tree and once per script.
# Beside it, state/script_key_counts.hpp (in the same directory's parent include root): each script's declared KEYS
# count; the build fails when a script uses a KEYS index its header does not declare.
function(lingua_embed_lua out_cpp)
  cmake_parse_arguments(ARG "" "" "SCRIPTS" ${ARGN})
  set(deps)
  foreach(script IN LISTS ARG_SCRIPTS)
    list(APPEND deps "${CMAKE_SOURCE_DIR}/lua/${script}")
  endforeach()
  list(JOIN ARG_SCRIPTS "," joined)
  file(GLOB includes "${CMAKE_SOURCE_DIR}/lua/includes/*.lua")
  get_filename_component(out_dir "${out_cpp}" DIRECTORY)
  set(keys_header "${out_dir}/generated/state/script_key_counts.hpp")
  add_custom_command(
    OUTPUT "${out_cpp}" "${keys_header}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DKEYS_HEADER=${keys_header} -DLUA_DIR=${CMAKE_SOURCE_DIR}/lua
            -DSCRIPTS=${joined} -P ${CMAKE_SOURCE_DIR}/cmake/embed_lua_run.cmake
    DEPENDS ${deps} ${includes} ${CMAKE_SOURCE_DIR}/cmake/embed_lua_run.cmake
    COMMENT "Embedding Lua scripts")
endfunction()
