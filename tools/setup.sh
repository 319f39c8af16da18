#!/usr/bin/env bash
# Installs everything Lingua needs to build, run and test, from Debian's packages only.
# Idempotent: a second run installs nothing new. Needs root (or sudo) on Debian 12.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache
  libboost1.81-dev        # Asio + Beast: the event loop, HTTP and WebSocket
  libhiredis-dev          # RESP formatting and parsing (I/O is ours, on Asio)
  nlohmann-json3-dev      # JSON for the wire protocol
  libspdlog-dev           # structured logging
  libtomlplusplus-dev     # the TOML config file
  libcli11-dev            # command-line flags and --help
  libssl-dev openssl      # SHA-256 token fingerprints and native TLS (wss://, https://); the CLI makes test certificates
  libgtest-dev libgmock-dev
  libyaml-dev             # tests: the Prometheus alert rules (ops/prometheus/alerts.yml) parsed by a real YAML parser
  libbenchmark-dev
  redis-server            # the state store (embedded by default, and in tests)
  libopus-dev             # lingua-node: Opus "Plan A" audio; tests: real Opus packets for the silence tests
  libpocketsphinx-dev pocketsphinx-en-us  # lingua-node: ASR (English)
  apertium apertium-eng-spa               # lingua-node: MT (English <-> Spanish; add apertium-* pairs)
  libespeak-ng-dev espeak-ng-data         # lingua-node: TTS
  flite                   # test speech for lingua-node's tests
  clang-14 libclang-rt-14-dev  # the fuzz flavour: libFuzzer + ASan/UBSan runtimes (tools/build.sh fuzz)
  chromium nodejs         # browser tests (tests/browser): headless chromium driven by puppeteer-core from npm
  gnuplot-nox             # bench/plots.sh: the PNG plots in docs/benchmarks.md
)
# npm installs the browser tests' puppeteer-core (from their lockfile). A Node.js that bundles npm (e.g. NodeSource's
# nodejs) conflicts with Debian's npm package, so that one is only asked for when there is no npm.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "setup: installing ${missing[*]}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
