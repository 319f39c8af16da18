#!/usr/bin/env bash
# lingua-bench and the BullMQ baseline against ONE redis-server, in one run (docs/benchmarks.md, "Side by side").
#   bench/side_by_side.sh [BUILD_DIR]      (default build/release; lingua-bench must be built there)
# Environment: INSTANCES (1), NODES (10), SESSIONS (64), WINDOW (1), DURATION (10 s), BENCH_ARGS (more
# lingua-bench flags). BullMQ then runs the same number of no-op jobs lingua-bench completed. Prints both reports
# and the ratios; the JSON reports stay in $OUT (default: a temporary directory, printed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build/release}" && pwd)"
out="${OUT:-$(mktemp -d /tmp/lingua-side-by-side.XXXXXX)}"
mkdir -p "$out"
"$root/bench/bullmq/npm-setup.sh" "$build/bench-bullmq" >/dev/null

redis_dir="$(mktemp -d /tmp/lingua-side-by-side-redis.XXXXXX)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" \
  --pidfile "$redis_dir/redis.pid" --daemonize yes >/dev/null
trap 'kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
url="redis://127.0.0.1:$port"

echo "# same run, same Redis ($url), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
"$build/lingua-bench" --redis "$url" --instances "${INSTANCES:-1}" --nodes "${NODES:-10}" \
  --sessions "${SESSIONS:-64}" --window "${WINDOW:-1}" --duration "${DURATION:-10}" --quiet \
  --json "$out/lingua.json" ${BENCH_ARGS:-}
jobs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobs"])' "$out/lingua.json")
(cd "$build/bench-bullmq" && node queue_bench.mjs --redis "$url" --jobs "$jobs") > "$out/bullmq.json"
python3 - "$out/lingua.json" "$out/bullmq.json" <<'PY'
import json, sys
l = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
rows = [
  ("jobs/s", l["jobs_per_second"], b["jobs_per_second"]),
  ("Redis commands / job", l.get("redis_commands_per_job", 0), b["redis_commands_per_job"]),
  ("Redis CPU µs / job", l.get("redis_cpu_us_per_job", 0), b["redis_cpu_us_per_job"]),
  ("latency p50 ms (lingua: end to end)", l["end_to_end"]["p50_us"] / 1000, b["latency_ms"]["p50"]),
  ("latency p99 ms (lingua: end to end)", l["end_to_end"]["p99_us"] / 1000, b["latency_ms"]["p99"]),
]
print(f"\n| same run, same Redis | lingua ({l['instances']} instance(s), {l['nodes']} nodes, {l['jobs']} jobs) "
      f"| BullMQ ({b['completed']} no-op jobs) | lingua / BullMQ |\n|---|---:|---:|---:|")
for name, a, c in rows:
  print(f"| {name} | {a:.1f} | {c:.1f} | {a / c if c else 0:.2f}× |")
print(f"| scheduler CPU µs / job | {l.get('scheduler_cpu_us_per_job', 0):.1f} | — | |")
print(f"| client CPU µs / job (bench / node process) | {l['bench_cpu_us_per_job']:.1f} | "
      f"{b['client_cpu_us_per_job']:.1f} | |")
PY
echo "reports: $out"
