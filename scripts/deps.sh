#!/usr/bin/env bash
# Installs the Debian packages Slipstream needs that are not installed yet.
#   usage: scripts/deps.sh build|test
# "build" is what compiling and running the daemon needs; "test" adds the spec-test converter,
# the HTTP client the integration tests drive, clang for the fuzz targets, and what tests/tools
# needs to build C programs for wasm32-wasi (clang, lld, wasi-libc, the wasm32 builtins) and to
# compare their runs with Node's WASI (nodejs).
set -euo pipefail

build_packages=(
  gcc meson ninja-build pkg-config
  libuv1-dev node-llhttp libcurl4-openssl-dev libssl-dev
  libjansson-dev libinih-dev libsystemd-dev check
)
test_packages=(wabt curl clang libclang-rt-14-dev python3 libcapstone-dev
  lld wasi-libc libclang-rt-14-dev-wasm32 nodejs)

case "${1:-build}" in
  build) wanted=("${build_packages[@]}") ;;
  test) wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
