#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan, seeds them with the spec suite's
# modules and runs one for a while.   usage: scripts/fuzz.sh [TARGET] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-stream}
seconds=${2:-600}
spec_dir=${SL_SPEC_DIR:-../shared/spec}

if [ ! -d build-fuzz ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C build-fuzz "tests/fuzz/fuzz-$target" >/dev/null

corpus=fuzz-corpus/$target
seeds=fuzz-corpus/$target-seeds
mkdir -p "$corpus" "$seeds"
if [ -z "$(ls -A "$seeds")" ]; then
  tmp=$(mktemp -d)
  for f in "$spec_dir"/*.wast; do
    b=$(basename "$f" .wast)
    mkdir -p "$tmp/$b" && wast2json "$f" -o "$tmp/$b/$b.json" >/dev/null 2>&1 || true
  done
  find "$tmp" -name '*.wasm' -exec cp {} "$seeds/" \;
  rm -rf "$tmp"
fi
UBSAN_OPTIONS=halt_on_error=1 "build-fuzz/tests/fuzz/fuzz-$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix=fuzz-corpus/ "$corpus" "$seeds"
