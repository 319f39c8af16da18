#!/usr/bin/env bash
# Builds and runs the scheduler with its embedded Redis: tools/run-scheduler.sh [scheduler flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh release lingua-scheduler >&2
exec build/release/lingua-scheduler "$@"
