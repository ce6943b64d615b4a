#!/usr/bin/env python3
"""How much compile time a network transfer hides: starts slipstreamd on a free loopback port,
uploads real modules (bench/modules.txt, fetched and checked like the compile table's) with
`slipstream stream` at several rates, and prints the daemon's timeline for each: the share of
functions compiled before the last byte arrived and how long after it the module was ready.
Each row is the median of --repeat uploads (by ready-after-last-byte). See bench/README.md."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import fetch  # noqa: E402
from benchlib.table import Table  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_MODULES = "esbuild,swc,ort,ort-simd"
DEFAULT_RATES = "1,5,10,20,50"  # MB/s


def build_dir():
    return os.environ.get("SLIPSTREAM_BUILD", os.path.join(ROOT, "build-release"))


def start_daemon(daemon, config_dir):
    """slipstreamd on 127.0.0.1 port 0; returns the process and its URL (from its log line)."""
    config = os.path.join(config_dir, "bench.ini")
    with open(config, "w") as f:
        f.write("[modules]\nmax_module_size = 268435456\n[server]\nmax_body_size = 268435456\n")
    proc = subprocess.Popen([daemon, "--listen", "127.0.0.1:0", "--config", config],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if "listening on " in line:
            return proc, line.split("listening on ", 1)[1].strip()
    raise SystemExit("slipstreamd did not start: " + (proc.stdout.read() or "no output"))


def upload(slipstream, url, name, path, rate):
    out = subprocess.run([slipstream, "stream", url, name, path, "--rate=%d" % rate, "--json"],
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        return None, (out.stderr or out.stdout).strip().splitlines()[-1:]
    return json.loads(out.stdout)["timeline"], None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modules", default=DEFAULT_MODULES, help="module ids (bench/modules.txt)")
    ap.add_argument("--rates", default=DEFAULT_RATES, help="upload rates in MB/s (10^6 B/s)")
    ap.add_argument("--repeat", type=int, default=3, help="uploads per row; the median is shown")
    ap.add_argument("--work", default=os.path.join(HERE, ".work"), help="downloads")
    args = ap.parse_args()

    slipstream = os.path.join(build_dir(), "tools", "slipstream")
    daemon = os.path.join(build_dir(), "daemon", "slipstreamd")
    manifest = fetch.read_manifest(os.path.join(HERE, "modules.txt"))
    wanted = args.modules.split(",")
    rates = [float(r) for r in args.rates.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_daemon(daemon, tmp)
        try:
            table = Table(["module", "MB", "rate MB/s", "transfer ms", "compiled before last byte",
                           "ready after last byte ms", "compile CPU ms"])
            notes = []
            for entry in manifest:
                if entry.id not in wanted:
                    continue
                path = fetch.fetch(entry, args.work, log=lambda m: print("# " + m, file=sys.stderr))
                size = os.path.getsize(path)
                for rate in rates:
                    runs = []
                    for i in range(args.repeat):
                        timeline, why = upload(slipstream, url, "%s-%d" % (entry.id, i), path,
                                               int(rate * 1e6))
                        if timeline is None:
                            notes.append("%s at %g MB/s: %s" % (entry.id, rate, " ".join(why)))
                            break
                        runs.append(timeline)
                    if len(runs) < args.repeat:
                        continue
                    runs.sort(key=lambda t: t["ready_after_last_byte_ms"])
                    t = runs[len(runs) // 2]
                    share = 100.0 * t["functions_compiled_before_last_byte"] / max(
                        1, t["functions_total"])
                    table.row([entry.id, "%.2f" % (size / 1e6), "%g" % rate,
                               "%.1f" % (t["last_byte_ms"] - t["first_byte_ms"]),
                               "%d of %d (%.1f%%)" % (t["functions_compiled_before_last_byte"],
                                                      t["functions_total"], share),
                               "%.1f" % t["ready_after_last_byte_ms"],
                               "%.1f" % t["compile_cpu_ms"]])
            table.title = ("Streaming compilation: modules uploaded to slipstreamd over loopback at "
                           "a set rate (median of %d)" % args.repeat)
            table.print()
            for note in notes:
                print("  " + note)
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
