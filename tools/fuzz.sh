#!/usr/bin/env bash
# Runs every libFuzzer target of build/fuzz (tools/build.sh fuzz) for SECONDS each (default 25), starting from the
# checked-in corpus and regressions (tests/fuzz/{corpus,regressions}/<target>/, never written to). New inputs go to
# build/fuzz/corpus/<target>/, a crash to build/fuzz/findings/<target>-crash-*: copy it into
# tests/fuzz/regressions/<target>/ once fixed. Exits non-zero on the first finding.
# tools/fuzz.sh [SECONDS] [target...]   (targets: session_frame node_frame base64_text config_text)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-25}"; shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(session_frame node_frame base64_text config_text)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p build/fuzz/findings
for t in "${targets[@]}"; do
  work="build/fuzz/corpus/$t"
  mkdir -p "$work"
  seeds=("tests/fuzz/corpus/$t")
  [ -d "tests/fuzz/regressions/$t" ] && seeds+=("tests/fuzz/regressions/$t")
  echo "== fuzzing $t for ${seconds}s"
  log="build/fuzz/$t.log"
  if ! "build/fuzz/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$t-" "$work" "${seeds[@]}" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz: $t found a problem (input in build/fuzz/findings/, log in $log)" >&2
    exit 1
  fi
  grep -E "^(#[0-9]+.*DONE|Done|stat::number_of_executed_units)" "$log" | tail -n 2
done
