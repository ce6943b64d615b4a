#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the Check suites and the spec-test
# runner in a normal build, the same again under ASan + UBSan, and a short run of each fuzz
# target. Ends with one line "N passed, N failed, N skipped" over everything it ran.
#   environment: SL_FUZZ_SECONDS (default 30) per fuzz target; SL_SKIP_ASAN=1 / SL_SKIP_FUZZ=1
#   to leave a stage out (it is then reported as skipped, never silently).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test || exit 1

results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0

build_and_test() { # build-dir, setup options...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dwerror=true "$@" >/dev/null || { echo "1 0 0 setup $dir" >>"$results"; return 1; }
  fi
  ninja -C "$dir" >/dev/null || { echo "0 1 0 build $dir" >>"$results"; ninja -C "$dir" | tail -30; return 1; }
  meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
  python3 scripts/sum_tests.py "$dir/meson-logs/testlog.json" >>"$results" || status=1
}

echo "== build: debugoptimized"
build_and_test build || status=1

if [ "${SL_SKIP_ASAN:-0}" = 1 ]; then
  echo "0 0 1 asan stage skipped by SL_SKIP_ASAN" >>"$results"
else
  echo "== build: ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    build_and_test build-asan -Db_sanitize=address,undefined -Db_lundef=false || status=1
fi

if [ "${SL_SKIP_FUZZ:-0}" = 1 ]; then
  echo "0 0 1 fuzz stage skipped by SL_SKIP_FUZZ" >>"$results"
else
  echo "== fuzz targets, ${SL_FUZZ_SECONDS:-30} s each"
  for target in stream compile run http; do
    if scripts/fuzz.sh "$target" "${SL_FUZZ_SECONDS:-30}" >"build-fuzz-$target.log" 2>&1; then
      echo "1 0 0 fuzz-$target: $(grep -o 'number_of_executed_units: [0-9]*' "build-fuzz-$target.log")" >>"$results"
    else
      tail -40 "build-fuzz-$target.log"
      echo "0 1 0 fuzz-$target" >>"$results"
      status=1
    fi
  done
fi

echo "== results"
awk '{ p += $1; f += $2; s += $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); if ($0 != "") print "  " $0 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$results"
if awk '{ f += $2 } END { exit f > 0 ? 0 : 1 }' "$results"; then status=1; fi
exit $status
