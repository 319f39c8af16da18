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
    # A failed test runs once more before it counts (--repeat until-pass:2): the chaos, browser and speech tests
    # run real processes on a shared 2-core machine, where a load spike can miss a bound. A test that fails twice
    # fails the run; every first failure stays in the output (grep it: "***Failed").
    (cd "build/$f" && ctest --output-on-failure --timeout 300 -j2 --repeat until-pass:2)
  fi
done
