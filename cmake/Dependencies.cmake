# Every dependency comes from Debian's packages; see the README for why each was chosen.
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS headers)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(CLI11 REQUIRED)
find_package(OpenSSL 3 REQUIRED)  # token fingerprints (SHA-256), constant-time compare, native TLS
find_package(PkgConfig REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
if(LINGUA_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(LINGUA_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
# The reference node's engines (src/node); also the web-client silence tests' real Opus packets.
pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET opus)
# Debian's pocketsphinx.pc names /usr/include/sphinxbase, which libsphinxbase-dev does not ship (its headers are in
# the multiarch directory): keep only the include directories that exist.
pkg_check_modules(POCKETSPHINX REQUIRED pocketsphinx)
add_library(lingua_pocketsphinx INTERFACE)
foreach(dir IN LISTS POCKETSPHINX_INCLUDE_DIRS)
  if(EXISTS "${dir}")
    target_include_directories(lingua_pocketsphinx SYSTEM INTERFACE "${dir}")
  endif()
endforeach()
target_link_libraries(lingua_pocketsphinx INTERFACE ${POCKETSPHINX_LINK_LIBRARIES})
pkg_check_modules(ESPEAK_NG REQUIRED IMPORTED_TARGET espeak-ng)
