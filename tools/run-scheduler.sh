#!/usr/bin/env bash
# Builds and runs the scheduler with its embedded Redis and one local lingua-node, so that a newcomer can open the
# printed address and speak: tools/run-scheduler.sh [--no-local-node] [scheduler flags...]
#
# Nodes need a credential (docs/security.md). Unless the flags already say how nodes authenticate (any --auth.*
# flag) or name a config file (--config), a random shared node token is generated once into a private state
# directory — $LINGUA_STATE_DIR, default ${XDG_STATE_HOME:-~/.local/state}/lingua (mode 700, file mode 600) — and
# passed as --auth.node_token_file; the URL to give other nodes is printed on stderr.
#
# The local node (docs/node.md) is a separate process started here, not part of the scheduler binary: the scheduler
# stays free of engine libraries and engine threads, a node crash cannot take the scheduler down, and the local node
# is exactly what an operator runs on another machine. It connects to 127.0.0.1 with the scheduler's node token
# ($LINGUA_NODE_TOKEN, else the --auth.node_token(_file) flag's, else the generated one; with a --config file set
# LINGUA_NODE_TOKEN) and reports only its own CPU share (--report-cpu=process): the scheduler leaves out nodes at
# >= 95 % CPU, and on a developer's busy machine the whole machine's load would hide the only node.
# `open http://localhost:<port>` is printed on stdout once the node has registered (with --no-local-node: once the
# scheduler answers /health). Production (nodes elsewhere): --no-local-node or LINGUA_LOCAL_NODE=0.
#
# Stopping: SIGINT, SIGTERM or the end of the script stop the node, then the scheduler (which stops its Redis); the
# exit status is 130/143 after SIGINT/SIGTERM, else the scheduler's. LINGUA_BIN_DIR=DIR uses the binaries already built in DIR and skips setup and build
# (tests, packagers).
set -euo pipefail
cd "$(dirname "$0")/.."

local_node="${LINGUA_LOCAL_NODE:-1}"
args=()
for a in "$@"; do
  if [ "$a" = --no-local-node ]; then local_node=0; else args+=("$a"); fi
done
case "$local_node" in 0 | false | no | off) local_node=0 ;; *) local_node=1 ;; esac

if [ -n "${LINGUA_BIN_DIR:-}" ]; then
  bin_dir="$LINGUA_BIN_DIR"
else
  tools/setup.sh
  targets=(lingua-scheduler)
  [ "$local_node" = 0 ] || targets+=(lingua-node)
  tools/build.sh release "${targets[@]}" >&2
  bin_dir=build/release
fi

configured=false
informational=false
port=5010
host=""
flag_token=""
flag_token_file=""
previous=""
for a in "${args[@]}"; do
  case "$a" in
    --auth.* | --config | --config=*) configured=true ;;
  esac
  case "$a" in
    -h | --help | --print-config | --version) informational=true ;;
    --port=* | --server.port=*) port="${a#*=}" ;;
    --host=* | --server.host=*) host="${a#*=}" ;;
    --auth.node_token=*) flag_token="${a#*=}" ;;
    --auth.node_token_file=*) flag_token_file="${a#*=}" ;;
  esac
  case "$previous" in
    --port | --server.port) port="$a" ;;
    --host | --server.host) host="$a" ;;
    --auth.node_token) flag_token="$a" ;;
    --auth.node_token_file) flag_token_file="$a" ;;
  esac
  previous="$a"
done
if $informational; then
  exec "$bin_dir/lingua-scheduler" "${args[@]}"
fi

if ! $configured; then
  state_dir="${LINGUA_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/lingua}"
  (umask 077 && mkdir -p "$state_dir")
  token_file="$state_dir/node_token"
  if [ ! -s "$token_file" ]; then
    (umask 077 && openssl rand -hex 32 >"$token_file")
    echo "run-scheduler: generated a node token in $token_file" >&2
  fi
  echo "run-scheduler: connect nodes to ws://<this host>:${port}/ws/node?token=$(head -n1 "$token_file")" >&2
  args+=("--auth.node_token_file=$token_file")
  flag_token_file="$token_file"
fi

# Where this machine reaches the listener, and the address a person opens.
case "$host" in
  "" | 0.0.0.0 | :: | "[::]" | 127.0.0.1 | localhost) connect_host=127.0.0.1 page_host=localhost ;;
  *) connect_host="$host" page_host="$host" ;;
esac
page="http://${page_host}:${port}"

scheduler_pid=""
node_pid=""
announcer_pid=""
stopping=false

# Sends SIGTERM to `pid` and waits up to `seconds` for it, then SIGKILL.
stop_process() {
  local pid="$1" seconds="$2" i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < seconds * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The node first (it leaves politely and the scheduler has no job to drain), then the scheduler, which stops its
# embedded Redis; the log filter ends when the node's output closes.
stop_all() {
  $stopping && return 0
  stopping=true
  stop_process "$node_pid" 15
  stop_process "$scheduler_pid" 60
  [ -z "$announcer_pid" ] || wait "$announcer_pid" 2>/dev/null || true
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

# GET /health answers 200 (bash's /dev/tcp: no HTTP client needed).
health_ok() {
  (
    exec 3<>"/dev/tcp/${connect_host}/${port}" || exit 1
    printf 'GET /health HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$connect_host" >&3
    IFS= read -r -t 2 status_line <&3 || exit 1
    [[ "$status_line" == "HTTP/1.1 200"* ]]
  ) 2>/dev/null
}

# Copies the node's log to stdout and prints the address once the node has registered.
announce_when_registered() {
  trap '' INT TERM  # stays until the node's output ends, so no line of it is lost
  local line announced=false
  while IFS= read -r line; do
    printf '%s\n' "$line"
    if ! $announced && [[ "$line" == *"registered with the scheduler as "* ]]; then
      announced=true
      printf 'run-scheduler: a local lingua-node is connected; speak into the page:\nopen %s\n' "$page"
    fi
  done
}

"$bin_dir/lingua-scheduler" "${args[@]}" &
scheduler_pid=$!

for ((i = 0; i < 600; i++)); do
  health_ok && break
  if ! kill -0 "$scheduler_pid" 2>/dev/null; then
    status=0
    wait "$scheduler_pid" || status=$?
    scheduler_pid=""
    exit "$status"
  fi
  sleep 0.1
done

if [ "$local_node" = 0 ]; then
  echo "run-scheduler: no local node (--no-local-node); connect nodes to ws://<this host>:${port}/ws/node" >&2
  echo "open $page"
else
  node_token="${LINGUA_NODE_TOKEN:-$flag_token}"
  if [ -z "$node_token" ] && [ -n "$flag_token_file" ] && [ -r "$flag_token_file" ]; then
    node_token="$(head -n1 "$flag_token_file")"
  fi
  exec {node_output}> >(announce_when_registered)
  announcer_pid=$!
  LINGUA_NODE_TOKEN="$node_token" "$bin_dir/lingua-node" --scheduler "ws://${connect_host}:${port}/ws/node" \
    --report-cpu=process >&"$node_output" 2>&1 &
  node_pid=$!
  exec {node_output}>&-
  echo "run-scheduler: started the local lingua-node (pid $node_pid); --no-local-node turns it off" >&2
fi

status=0
if [ -n "$node_pid" ]; then
  ended=""
  wait -n -p ended "$scheduler_pid" "$node_pid" || status=$?
  if [ "$ended" = "$node_pid" ]; then
    echo "run-scheduler: the local lingua-node exited (status $status); the scheduler keeps running" >&2
    node_pid=""
    status=0
    wait "$scheduler_pid" || status=$?
  fi
else
  wait "$scheduler_pid" || status=$?
fi
scheduler_pid=""
stop_all
exit "$status"
