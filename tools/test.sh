#!/usr/bin/env bash
# Builds and runs every test: once optimised with warnings as errors, once under ASan + UBSan, then a short
# bounded libFuzzer run of every parser entry point (LINGUA_FUZZ_SECONDS per target, default 25).
# tools/test.sh [release|sanitize|fuzz]  (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
flavours=("$@")
[ ${#flavours[@]} -eq 0 ] && flavours=(release sanitize fuzz)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for f in "${flavours[@]}"; do
  echo "== building ($f)"
  tools/build.sh "$f"
  echo "== testing ($f)"
  if [ "$f" = fuzz ]; then
    tools/fuzz.sh "${LINGUA_FUZZ_SECONDS:-25}"
  else
    # No retries: a test that fails once fails the run (the chaos tests are deterministic about their outcomes).
    (cd "build/$f" && ctest --output-on-failure --timeout 300 -j2)
  fi
done
