#!/usr/bin/env python3
"""Slipstream's baseline-tier benchmark: prints, from one run on one machine,
  1. baseline compile throughput (MB/s of function-body bytes, one thread) against V8's Liftoff in
     node, over real modules from pinned npm packages (bench/modules.txt);
  2. the run time of C programs built to wasm32-wasi (bench/programs/) under `slipstream run`,
     node with Liftoff only, node with TurboFan only, and natively through wasm2c + gcc -O2,
     checking that every engine prints the same output.
Each figure is the median of --repeat measurements. See bench/README.md. Usually started through
bench/run.sh, which installs and builds what is missing first."""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import fetch, peers, programs, wasm  # noqa: E402
from benchlib.table import Table, fmt_ratio  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def default_slipstream():
    if os.environ.get("SLIPSTREAM"):
        return os.environ["SLIPSTREAM"]
    release = os.path.join(ROOT, "build-release", "tools", "slipstream")
    return release if os.path.exists(release) else os.path.join(ROOT, "build", "tools", "slipstream")


def parse_args():
    ap = argparse.ArgumentParser(
        description="Slipstream's baseline-tier benchmark against node (Liftoff, TurboFan) and "
                    "wasm2c native code; see bench/README.md.")
    ap.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 5)),
                    help="measurements per figure; the median is shown (default 5, $BENCH_REPEAT)")
    ap.add_argument("--only", choices=["compile", "run"], help="one of the two tables")
    ap.add_argument("--modules", help="comma-separated module ids from bench/modules.txt")
    ap.add_argument("--programs", help="comma-separated program names")
    ap.add_argument("--node", default=os.environ.get("NODE", "node"), help="node binary ($NODE)")
    ap.add_argument("--slipstream", default=default_slipstream(),
                    help="slipstream binary ($SLIPSTREAM; default build-release/tools/slipstream, "
                         "else build/tools/slipstream)")
    ap.add_argument("--node-wasi", choices=["builtin", "shim"],
                    default=os.environ.get("BENCH_NODE_WASI", "builtin"),
                    help="node's own WASI, or bench/node's JavaScript shim ($BENCH_NODE_WASI)")
    ap.add_argument("--metric", choices=["wall", "cpu"], default="wall",
                    help="run-time table: wall-clock time (default) or the process's CPU time "
                         "(user + system, all threads), steadier on a busy machine")
    ap.add_argument("--timeout", type=int, default=300, help="seconds allowed per process")
    ap.add_argument("--check-flags", action="store_true",
                    help="first check that node's flags do what the tables assume")
    ap.add_argument("--work", default=os.path.join(HERE, ".work"), help="downloads and builds")
    return ap.parse_args()


def log(msg):
    print(f"# {msg}", file=sys.stderr, flush=True)


def git_describe():
    def git(*args):
        proc = subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+local changes" if git("status", "--porcelain", "--untracked-files=no")
                     else "")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def print_header(args):
    node_v = subprocess.run([args.node, "-p", "process.version + ' (V8 ' + process.versions.v8 + ')'"],
                            capture_output=True, text=True).stdout.strip()
    print(f"Slipstream baseline benchmark, {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    shown = args.slipstream
    if shown.startswith(ROOT + os.sep):
        shown = os.path.relpath(shown, ROOT)
    print(f"commit {git_describe()}; slipstream: {shown}")
    print(f"node {node_v}; {cpu_model()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}; median of {args.repeat}")
    print()


def check_flags(args, entries):
    """Shows that --wasm-num-compilation-tasks=0 keeps compilation on one thread and that the
    Liftoff flags compile every function with Liftoff, up front."""
    entry = next((e for e in entries if e.id == "resvg"), entries[0])
    path = fetch.fetch(entry, args.work, log)
    info = wasm.read_info(path)
    print(f"Flag check on {entry.id} ({info.n_funcs} functions):")
    script = os.path.join(HERE, "node", "compile_time.cjs")
    proc = subprocess.run([args.node, *peers.LIFTOFF, *peers.ONE_THREAD,
                           "--trace-wasm-compilation-times", script, path, "1"],
                          capture_output=True, text=True)
    lines = proc.stdout.splitlines()
    n_liftoff = sum("using Liftoff" in ln for ln in lines)
    n_turbofan = sum("using TurboFan" in ln for ln in lines)
    print(f"  Liftoff flags, two compiles: {n_liftoff} functions compiled by Liftoff "
          f"(expected {2 * info.n_funcs}), {n_turbofan} by TurboFan (expected 0)")
    for label, flags in [("Liftoff, tasks=0", peers.LIFTOFF + peers.ONE_THREAD),
                         ("TurboFan, tasks=0", peers.TURBOFAN + peers.ONE_THREAD),
                         ("TurboFan, default tasks", peers.TURBOFAN)]:
        r = peers.node_compile(args.node, path, 3, flags)
        if not r.ok:
            print(f"  {label}: {r.failure}")
            continue
        cpu = sorted(r.extra["cpu"])[len(r.extra["cpu"]) // 2]
        print(f"  {label}: wall {r.median * 1e3:.1f} ms, CPU {cpu * 1e3:.1f} ms "
              f"(CPU/wall {cpu / r.median:.2f})")
    print()


def compile_table(args, entries):
    t = Table(["module", "source", "features", "code MB", "funcs", "Liftoff MB/s", "(CPU)",
               "Slipstream MB/s", "(CPU)", "Slip/Liftoff", "(CPU)"],
              title="Baseline compile throughput, one thread: MB/s of function-body bytes from "
                    "the median wall time, and (CPU) from CPU time\n"
                    "Slip/Liftoff > 1: Slipstream compiles faster")
    busy = False
    for e in entries:
        features = ",".join(e.features) or "-"
        try:
            path = fetch.fetch(e, args.work, log)
        except fetch.FetchError as err:
            t.row([e.id, e.source, features], note=f"fetch failed: {err}")
            continue
        info = wasm.read_info(path)
        mb = info.body_bytes / 1e6
        log(f"compiling {e.id} with node (Liftoff)")
        node = peers.node_compile(args.node, path, args.repeat, timeout=args.timeout * args.repeat)
        log(f"compiling {e.id} with slipstream")
        ours = peers.slipstream_compile(args.slipstream, path, args.repeat,
                                        timeout=args.timeout * args.repeat)
        notes = []
        node_cpu = ours_cpu = None
        cells = [e.id, e.source, features, f"{info.code_section_size / 1e6:.2f}", str(info.n_funcs)]
        if node.ok:
            node_cpu = statistics.median(node.extra["cpu"])
            busy = busy or node_cpu / node.median < 0.8
            cells += [f"{mb / node.median:.1f}", f"{mb / node_cpu:.1f}"]
        else:
            cells += ["-", "-"]
            notes.append(f"node: {node.failure}")
        if ours.ok:
            ours_cpu = ours.extra.get("cpu")
            cells += [f"{mb / ours.median:.1f}", f"{mb / ours_cpu:.1f}" if ours_cpu else "-"]
            cells.append(fmt_ratio(node.median / ours.median) if node.ok else "-")
            cells.append(fmt_ratio(node_cpu / ours_cpu) if node_cpu and ours_cpu else "-")
            reported = ours.extra.get("body_bytes")
            if reported and int(reported) != info.body_bytes:
                notes.append(f"slipstream counted {reported} body bytes, bench {info.body_bytes}")
        else:
            cells += ["-", "-", "-", "-"]
            notes.append(f"slipstream: {peers.refine_for_simd(ours.failure, e.has_simd)}")
        t.row(cells, note="; ".join(notes))
    t.print()
    if busy:
        print("note: node's compile CPU time was under 80% of its wall time: the machine was busy, "
              "so the (CPU) columns are the steadier figures\n")


def run_table(args, progs):
    runners = [
        peers.native_runner(),
        peers.node_runner("TurboFan", args.node, peers.TURBOFAN, args.node_wasi),
        peers.node_runner("Liftoff", args.node, peers.LIFTOFF, args.node_wasi),
        peers.slipstream_runner(args.slipstream),
    ]
    t = Table(["program", "native s", "TurboFan s", "Liftoff s", "Slipstream s", "Slip/native",
               "Slip/Liftoff", "Slip/TurboFan", "Liftoff/native", "TurboFan/native", "output"],
              title=f"Run time of C programs (wasm32-wasi, clang -O2): whole process, "
                    f"{'CPU' if args.metric == 'cpu' else 'wall-clock'} seconds\n"
                    f"ratios < 1: the first named is faster")
    disagreements = 0
    for p in progs:
        results = {r.name: peers.Result() for r in runners}
        for rep in range(args.repeat):  # interleaved, so slow phases of the machine hit all alike
            for r in runners:
                res = results[r.name]
                if res.failure:
                    continue
                cmd = r.argv(p)
                if isinstance(cmd, str):
                    res.failure = cmd
                    continue
                log(f"{p.name}: {r.name} run {rep + 1}/{args.repeat}")
                wall, cpu, status, out, err = peers.time_command(cmd, args.timeout)
                if status != 0:
                    res.failure = (peers.describe_failure(err, p.wasm) if status is not None
                                   else f"error: {err}")
                    if r.name == "slipstream":
                        res.failure = peers.refine_for_simd(res.failure, p.has_simd)
                    if status not in (0, 1, None) and not res.failure.startswith("n/a"):
                        res.failure += f" (exit status {status})"
                    continue
                if res.times and out != res.output:
                    res.failure = "error: output differs between its own runs"
                    continue
                res.output = out
                res.times.append(cpu if args.metric == "cpu" else wall)
        ok = {n: r for n, r in results.items() if r.ok}
        outputs = {r.output for r in ok.values()}
        if len(outputs) > 1:
            disagreements += 1
            reference = ok[next(iter(ok))].output
            odd = [n for n, r in ok.items() if r.output != reference]
            verdict = f"DISAGREE: {', '.join(odd)} differ from {next(iter(ok))}"
        elif outputs:
            verdict = f"agree ({len(ok)}): {next(iter(outputs)).strip().splitlines()[-1][:40]}"
        else:
            verdict = "no engine ran it"

        def med(name):
            return ok[name].median if name in ok else None

        def ratio(a, b):
            return fmt_ratio(med(a) / med(b)) if med(a) and med(b) else "-"

        cells = [p.name] + [f"{med(n):.3f}" if med(n) else "-"
                            for n in ("native", "TurboFan", "Liftoff", "slipstream")]
        cells += [ratio("slipstream", "native"), ratio("slipstream", "Liftoff"),
                  ratio("slipstream", "TurboFan"), ratio("Liftoff", "native"),
                  ratio("TurboFan", "native"), verdict]
        notes = [f"{n}: {r.failure}" for n, r in results.items() if r.failure]
        t.row(cells, note="; ".join(notes))
    t.print()
    return disagreements


def main():
    args = parse_args()
    args.work = os.path.abspath(args.work)
    args.slipstream = os.path.abspath(args.slipstream)
    if args.repeat < 1:
        sys.exit("bench: --repeat wants at least 1")
    entries = fetch.read_manifest(os.path.join(HERE, "modules.txt"))
    if args.modules:
        wanted = args.modules.split(",")
        entries = [e for e in entries if e.id in wanted]
    print_header(args)
    if args.check_flags:
        check_flags(args, entries)
    status = 0
    if args.only in (None, "compile"):
        compile_table(args, entries)
    if args.only in (None, "run"):
        names = args.programs.split(",") if args.programs else None
        progs = programs.build(args.work, names, log=log)
        if run_table(args, progs):
            print("\nOUTPUTS DISAGREE: see the output column", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
