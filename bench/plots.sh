#!/usr/bin/env bash
# Regenerates docs/bench-latency-vs-load.png and docs/bench-cost-vs-nodes.png with lingua-bench and gnuplot
# (Debian gnuplot-nox; tools/setup.sh installs it). A few minutes; not part of the test command.
#   bench/plots.sh [BUILD_DIR]     (default build/release)
# Environment: RATES ("250 500 1000 1500 2000 3000" utterances/s), NODE_COUNTS ("10 100 1000"), DURATION (5 s).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build/release}" && pwd)"
work="$(mktemp -d /tmp/lingua-plots.XXXXXX)"
trap 'rm -rf "$work"' EXIT
duration="${DURATION:-5}"
field() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
  v=d
  for p in k.split("."): v=v.get(p,0) if isinstance(v,dict) else 0
  print(v, end=" ")
print()' "$@"; }

# Latency vs offered load: fixed rate, 64 sessions, 10 instant nodes, one instance.
: > "$work/load.dat"
for rate in ${RATES:-250 500 1000 1500 2000 3000}; do
  "$build/lingua-bench" --instances 1 --nodes 10 --sessions 64 --rate "$rate" --duration "$duration" --quiet \
    --json "$work/load-$rate.json" >/dev/null || true
  echo "$rate $(field "$work/load-$rate.json" jobs_per_second dispatch.p50_us dispatch.p99_us end_to_end.p50_us \
    end_to_end.p99_us)" >> "$work/load.dat"
done
# Cost vs node count: closed loop, 64 sessions, window 1.
: > "$work/nodes.dat"
for n in ${NODE_COUNTS:-10 100 1000}; do
  "$build/lingua-bench" --instances 1 --nodes "$n" --sessions 64 --duration "$duration" --quiet \
    --json "$work/nodes-$n.json" >/dev/null || true
  echo "$n $(field "$work/nodes-$n.json" redis_cpu_us_per_job redis_commands_per_job scheduler_cpu_us_per_job \
    jobs_per_second)" >> "$work/nodes.dat"
done
cat "$work/load.dat" "$work/nodes.dat"
gnuplot <<GP
set terminal png size 900,540
set grid
set key top left
set output "$root/docs/bench-latency-vs-load.png"
set title "lingua-bench: latency vs offered load (1 instance, 10 instant nodes, 64 sessions, 8.5 KB audio/job)"
set xlabel "offered utterances/s"
set ylabel "ms"
set logscale y
plot "$work/load.dat" using 1:(\$3/1000) with linespoints title "dispatch p50", \
     "" using 1:(\$4/1000) with linespoints title "dispatch p99", \
     "" using 1:(\$5/1000) with linespoints title "end to end p50", \
     "" using 1:(\$6/1000) with linespoints title "end to end p99", \
     "" using 1:(\$2/100) axes x1y1 with points pt 7 title "achieved jobs/s ÷ 100"
unset logscale y
set output "$root/docs/bench-cost-vs-nodes.png"
set title "lingua-bench: cost per job vs registered nodes (1 instance, closed loop, 64 sessions)"
set xlabel "registered nodes"
set ylabel "µs per job / commands per job"
set logscale x
plot "$work/nodes.dat" using 1:2 with linespoints title "Redis CPU µs / job", \
     "" using 1:3 with linespoints title "Redis commands / job", \
     "" using 1:4 with linespoints title "scheduler CPU µs / job"
GP
echo "wrote docs/bench-latency-vs-load.png docs/bench-cost-vs-nodes.png"
