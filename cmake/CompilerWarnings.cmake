# lingua_warnings: the warning set every target of ours links (INTERFACE, so it never leaks to consumers).
# Not -Wnull-dereference: at -O2 it fires inside inlined Asio/Beast code (scheduler.ipp), not in ours.
# -Wno-mismatched-new-delete: GCC 12 at -O2 mistakes Asio's coroutine frame allocator (aligned_alloc + its own
# operator delete) for a mismatch.
add_library(lingua_warnings INTERFACE)
target_compile_options(lingua_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wmisleading-indentation)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(lingua_warnings INTERFACE
    -Wduplicated-cond -Wduplicated-branches -Wlogical-op -Wno-mismatched-new-delete)
endif()
if(LINGUA_WARNINGS_AS_ERRORS)
  target_compile_options(lingua_warnings INTERFACE -Werror)
endif()
