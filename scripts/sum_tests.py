#!/usr/bin/env python3
"""Sums the per-test summary lines of a meson test log into "passed failed skipped label" lines.

Every Check suite prints "<suite>: N passed, N failed" and the spec runner prints
"N passed, N failed, N skipped"; a test that printed no such line (it crashed, or is not a Check
suite) counts as one test, passed or failed by its exit status, and meson's SKIP as one skipped.
"""
import json
import re
import sys

SUMMARY = re.compile(r"^(?:(\S+): )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$")

def main(path):
    for line in open(path):
        test = json.loads(line)
        name, result = test["name"], test["result"]
        found = None
        for out_line in (test.get("stdout") or "").splitlines():
            m = SUMMARY.match(out_line)
            if m:
                found = (int(m.group(2)), int(m.group(3)), int(m.group(4) or 0))
        if result == "SKIP":
            print(f"0 0 1 {name}: skipped (exit 77)")
        elif found:
            passed, failed, skipped = found
            if result != "OK" and failed == 0:
                failed = 1  # it summed clean but exited badly (a leak report, a crash at exit)
            print(f"{passed} {failed} {skipped} {name}: {passed} passed, {failed} failed, {skipped} skipped")
        else:
            ok = result == "OK"
            print(f"{int(ok)} {int(not ok)} 0 {name}: {result}")

if __name__ == "__main__":
    main(sys.argv[1])
