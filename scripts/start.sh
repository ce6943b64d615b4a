#!/usr/bin/env bash
# Installs what is missing, builds, and starts the daemon on its embedded default configuration
# (127.0.0.1:8470). Extra arguments go to the daemon, e.g. scripts/start.sh --listen 127.0.0.1:0
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
exec build/daemon/slipstreamd "$@"
