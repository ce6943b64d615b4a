#!/usr/bin/env bash
# Slipstream's baseline-tier benchmark: installs what is missing (Debian packages through apt-get),
# builds a release slipstream in build-release/, then runs bench/bench.py, which fetches the pinned
# modules with npm, builds the C programs and prints the tables. Arguments go to bench.py
# (bench/run.sh --help lists them). Downloads and builds stay under bench/.work/.
#   SLIPSTREAM=path   benchmark that binary instead of building build-release/tools/slipstream
#   NODE=path         the node to compare with (default: node on PATH)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_pkg() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' || missing+=("$1")
}
need_cmd node nodejs
need_cmd npm npm
need_cmd clang clang
need_cmd wasm-ld lld
need_cmd wasm2c wabt
need_cmd gcc gcc
need_cmd python3 python3
need_pkg wasi-libc
need_pkg libclang-rt-14-dev-wasm32
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major="$("${NODE:-node}" -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "bench: node $("${NODE:-node}" --version) is too old; v18 or later is needed" >&2
  exit 1
fi

if [ -z "${SLIPSTREAM:-}" ]; then
  # A release build of the current tree; ninja makes this a no-op when nothing changed. A failed
  # build is reported and the tables show n/a for Slipstream rather than stopping the peers.
  scripts/deps.sh build
  if [ ! -f build-release/build.ninja ]; then
    meson setup build-release -Dbuildtype=release -Dtests=false >/dev/null ||
      echo "bench: meson setup build-release failed" >&2
  fi
  if [ -f build-release/build.ninja ]; then
    ninja -C build-release tools/slipstream daemon/slipstreamd >/dev/null ||
      echo "bench: building build-release/tools/slipstream failed; Slipstream columns will be n/a" >&2
  fi
  export SLIPSTREAM="$root/build-release/tools/slipstream"
fi

# bench/run.sh stream [ARGS]: the streaming-compilation table (bench/stream.py) instead.
if [ "${1:-}" = stream ]; then
  shift
  exec python3 bench/stream.py "$@"
fi
exec python3 bench/bench.py "$@"
