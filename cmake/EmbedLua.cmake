# lingua_embed_lua(TARGET out_cpp SCRIPTS a.lua b.lua ...)
# Generates a C++ source that holds every script's text, with `-- @include "file"` lines replaced by that file
# (relative to lua/), so shared Lua pieces such as node selection exist once in the tree and once per script.
function(lingua_embed_lua out_cpp)
  cmake_parse_arguments(ARG "" "" "SCRIPTS" ${ARGN})
  set(deps)
  foreach(script IN LISTS ARG_SCRIPTS)
    list(APPEND deps "${CMAKE_SOURCE_DIR}/lua/${script}")
  endforeach()
  list(JOIN ARG_SCRIPTS "," joined)
  file(GLOB includes "${CMAKE_SOURCE_DIR}/lua/includes/*.lua")
  add_custom_command(
    OUTPUT "${out_cpp}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DLUA_DIR=${CMAKE_SOURCE_DIR}/lua
            -DSCRIPTS=${joined} -P ${CMAKE_SOURCE_DIR}/cmake/embed_lua_run.cmake
    DEPENDS ${deps} ${includes} ${CMAKE_SOURCE_DIR}/cmake/embed_lua_run.cmake
    COMMENT "Embedding Lua scripts")
endfunction()
