#!/usr/bin/env bash
# Configures and builds one flavour of the tree: tools/build.sh [release|sanitize|fuzz] [targets...]
# fuzz: clang with libFuzzer + ASan + UBSan, only the fuzz targets (tests/fuzz) and the libraries they need.
set -euo pipefail
cd "$(dirname "$0")/.."
# The compiler cache keys on paths relative to this checkout, so a clone anywhere (CI's clean clone) reuses what any
# other checkout of the same sources compiled.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
flavour="${1:-release}"; shift || true
case "$flavour" in
  release)  dir=build/release;  args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  sanitize) dir=build/sanitize; args=(-DCMAKE_BUILD_TYPE=Debug -DLINGUA_SANITIZE=ON) ;;
  fuzz)     dir=build/fuzz;     args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DLINGUA_FUZZ=ON
                                      -DLINGUA_BUILD_BENCH=OFF) ;;
  *) echo "usage: tools/build.sh [release|sanitize|fuzz] [targets...]" >&2; exit 2 ;;
esac
if [ "$flavour" = fuzz ] && [ $# -eq 0 ]; then
  set -- fuzz_session_frame fuzz_node_frame fuzz_base64_text fuzz_config_text
fi
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja -DLINGUA_WARNINGS_AS_ERRORS=ON "${args[@]}" >/dev/null
fi
if [ $# -gt 0 ]; then
  cmake --build "$dir" --target "$@"
else
  cmake --build "$dir"
fi
