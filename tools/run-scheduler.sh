#!/usr/bin/env bash
# Builds and runs the scheduler with its embedded Redis: tools/run-scheduler.sh [scheduler flags...]
#
# Nodes need a credential (docs/security.md). Unless the flags already say how nodes authenticate (any --auth.*
# flag) or name a config file (--config), a random shared node token is generated once into a private state
# directory — $LINGUA_STATE_DIR, default ${XDG_STATE_HOME:-~/.local/state}/lingua (mode 700, file mode 600) — and
# passed as --auth.node_token_file; the URL to give the node agent is printed on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh release lingua-scheduler >&2

args=("$@")
configured=false
port=5010
scheme=ws
previous=""
for a in "$@"; do
  case "$a" in
    --auth.* | --config | --config=*) configured=true ;;
    --port=* | --server.port=*) port="${a#*=}" ;;
  esac
  case "$previous" in
    --port | --server.port) port="$a" ;;
  esac
  previous="$a"
done

if ! $configured; then
  state_dir="${LINGUA_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/lingua}"
  (umask 077 && mkdir -p "$state_dir")
  token_file="$state_dir/node_token"
  if [ ! -s "$token_file" ]; then
    (umask 077 && openssl rand -hex 32 >"$token_file")
    echo "run-scheduler: generated a node token in $token_file" >&2
  fi
  echo "run-scheduler: connect nodes to ${scheme}://<this host>:${port}/ws/node?token=$(head -n1 "$token_file")" >&2
  args+=("--auth.node_token_file=$token_file")
fi
exec build/release/lingua-scheduler "${args[@]}"
