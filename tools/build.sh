#!/usr/bin/env bash
# Configures and builds one flavour of the tree: tools/build.sh [release|sanitize] [targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"; shift || true
case "$flavour" in
  release)  dir=build/release;  args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  sanitize) dir=build/sanitize; args=(-DCMAKE_BUILD_TYPE=Debug -DLINGUA_SANITIZE=ON) ;;
  *) echo "usage: tools/build.sh [release|sanitize] [targets...]" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja -DLINGUA_WARNINGS_AS_ERRORS=ON "${args[@]}" >/dev/null
fi
if [ $# -gt 0 ]; then
  cmake --build "$dir" --target "$@"
else
  cmake --build "$dir"
fi
