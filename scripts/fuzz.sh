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
if [ "$target" = http ] && [ -z "$(ls -A "$seeds")" ]; then
  # The first byte picks the chunking (fuzz_http.c); the rest are requests a client might send.
  printf '\x05GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n' >"$seeds/get"
  printf '\x03PUT /v1/modules/m HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n' >"$seeds/pipelined"
  printf '\x07POST /v1/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n' >"$seeds/chunked"
  printf '\x02PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok' >"$seeds/expect"
  printf '\x01GET / HTTP/1.0\r\nBad Header\r\n\r\n' >"$seeds/malformed"
  printf '\x04GET / HTTP/1.1\r\nX: a\r\n Content-Length: 5\r\n\r\nhello' >"$seeds/folded"
  printf '\x06POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;e=v\r\nabc\r\n0\r\n\n' >"$seeds/bare-lf"
fi
if [ -z "$(ls -A "$seeds")" ]; then
  tmp=$(mktemp -d)
  for f in "$spec_dir"/*.wast; do
    b=$(basename "$f" .wast)
    mkdir -p "$tmp/$b" && wast2json "$f" -o "$tmp/$b/$b.json" >/dev/null 2>&1 || true
  done
  find "$tmp" -name '*.wasm' -exec cp {} "$seeds/" \;
  rm -rf "$tmp"
fi
# Inputs that once found a bug in the compilers are replayed first (tests/fuzz/findings).
replay=()
case $target in compile | run) replay=(tests/fuzz/findings) ;; esac
UBSAN_OPTIONS=halt_on_error=1 "build-fuzz/tests/fuzz/fuzz-$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix=fuzz-corpus/ "$corpus" "$seeds" "${replay[@]}"
