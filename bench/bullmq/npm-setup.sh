#!/usr/bin/env bash
# Installs the baseline's npm packages (package-lock.json, exactly) into DEST/node_modules, outside the source tree;
# does nothing when DEST already holds what this lockfile names.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"
dest="$1"
mkdir -p "$dest"
if [ -d "$dest/node_modules" ] && cmp -s "$src/package-lock.json" "$dest/node_modules/.lingua-lock"; then
  cp "$src/queue_bench.mjs" "$dest/"
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$src/queue_bench.mjs" "$dest/"
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
cp "$src/package-lock.json" "$dest/node_modules/.lingua-lock"
