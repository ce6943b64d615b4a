"""How each engine is run and how its answer is read: V8 through node (Liftoff only, TurboFan only),
Slipstream's CLI, and wasm2c native binaries. Every measurement comes back as a Result: times in
seconds on success, or a short reason the table prints instead (n/a, refused, error)."""

import dataclasses
import json
import os
import re
import resource
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bench/

# V8 flags. --no-wasm-lazy-compilation makes node 20 compile every function up front (otherwise it
# only validates); --no-wasm-tier-up keeps Liftoff code from being replaced;
# --wasm-num-compilation-tasks=0 leaves compilation to the calling thread alone (bench/README.md
# shows how this was checked: CPU time equals wall time, and TurboFan halves its wall time without
# it on two cores).
LIFTOFF = ["--liftoff", "--no-wasm-tier-up", "--no-wasm-lazy-compilation"]
TURBOFAN = ["--no-liftoff", "--no-wasm-tier-up", "--no-wasm-lazy-compilation"]
ONE_THREAD = ["--wasm-num-compilation-tasks=0"]


@dataclasses.dataclass
class Result:
    times: list = dataclasses.field(default_factory=list)  # seconds, one per repetition
    failure: str = ""  # what the table shows instead of a time
    output: str = ""  # stdout of a program run (the first one)
    extra: dict = dataclasses.field(default_factory=dict)

    @property
    def ok(self):
        return not self.failure and bool(self.times)

    @property
    def median(self):
        return statistics.median(self.times) if self.times else None


def node_major(node):
    out = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    m = re.match(r"v(\d+)", out)
    return int(m.group(1)) if m else 0


def node_compile(node, wasm_path, repeat, flags=LIFTOFF + ONE_THREAD, timeout=1800):
    """Compile times measured inside node around `new WebAssembly.Module`, after a warm-up."""
    script = os.path.join(HERE, "node", "compile_time.cjs")
    cmd = [node, *flags, "--expose-gc", script, wasm_path, str(repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        return Result(failure=f"error: {_last_line(proc.stderr)}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Result(times=[ms / 1e3 for ms in data["wall_ms"]],
                  extra={"cpu": [ms / 1e3 for ms in data["cpu_ms"]]})


# `slipstream compile` prints one line per file. Today (tools/cmd_compile.c):
#   FILE: time_ms=T mb_per_s=R body_bytes=B funcs=C/D code_bytes=G tier=baseline lazy=no ...
# The parser also takes the looser form "compile: X ms, Y MB/s, N functions, Z bytes of code", so a
# change of wording there breaks nothing here as long as a time in milliseconds is on the line.
_KEY_VALUE = re.compile(r"\b([a-z_]+)=(\S+)")
_LOOSE = {
    "time_ms": re.compile(r"([\d.]+)\s*ms\b"),
    "mb_per_s": re.compile(r"([\d.]+)\s*MB/s"),
    "funcs": re.compile(r"(\d+)\s*functions"),
    "code_bytes": re.compile(r"(\d+)\s*bytes of code"),
}


def parse_compile_report(text):
    """The figures on the last line of `slipstream compile` output that has a time, as a dict with
    at least time_ms (float); None when there is no such line."""
    for line in reversed(text.strip().splitlines()):
        fields = dict(_KEY_VALUE.findall(line))
        if "time_ms" not in fields:
            fields = {k: m.group(1) for k, r in _LOOSE.items() if (m := r.search(line))}
        if "time_ms" in fields:
            try:
                fields["time_ms"] = float(fields["time_ms"])
            except ValueError:
                continue
            return fields
    return None


def describe_failure(stderr, path=None):
    """Turns an engine's error output into the table's short form: "n/a (ENOTSUP: ...)" for what
    the engine declines to do yet, "error: ..." otherwise."""
    line = _last_line(stderr)
    if path and line.startswith(path + ":"):
        line = line[len(path) + 1:].strip()
    m = re.match(r"(?:error:\s*)?not supported:\s*(.*)", line, re.IGNORECASE)
    if m or "ENOTSUP" in line:
        return f"n/a (ENOTSUP: {m.group(1) if m else line})"
    return f"error: {line}" if line else "error: no output"


_SIMD_WORDS = re.compile(r"v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2|simd", re.IGNORECASE)


def refine_for_simd(failure, has_simd):
    """A SIMD module that the engine declines over a SIMD instruction is "refused: SIMD"."""
    if has_simd and failure.startswith("n/a (ENOTSUP") and _SIMD_WORDS.search(failure):
        return "refused: SIMD"
    return failure


def _run_cpu(cmd, timeout):
    """subprocess.run plus the CPU seconds (user + system) the child used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, cpu


def slipstream_compile(slipstream, wasm_path, repeat, timeout=1800):
    """`slipstream compile --threads=1 --repeat=K`: the engine's own median of K compiles (wall
    clock). CPU time per compile comes from the report's cpu_ms when it has one; otherwise from the
    difference between a --repeat=K+1 and a --repeat=1 process, which cancels start-up, file
    reading and the first compile."""
    if not os.path.exists(slipstream):
        return Result(failure=f"n/a (no binary at {slipstream})")
    cmd = [slipstream, "compile", "--threads=1"]
    try:
        proc, cpu_many = _run_cpu(cmd + [f"--repeat={repeat + 1}", wasm_path], timeout)
        report = parse_compile_report(proc.stdout) if proc.returncode == 0 else None
        if report is None:
            return Result(failure=describe_failure(proc.stderr or proc.stdout, wasm_path))
        if "cpu_ms" in report:
            cpu = float(report["cpu_ms"]) / 1e3
        else:
            one, cpu_one = _run_cpu(cmd + ["--repeat=1", wasm_path], timeout)
            cpu = (cpu_many - cpu_one) / repeat if one.returncode == 0 else None
    except subprocess.TimeoutExpired:
        return Result(failure=f"error: timed out after {timeout} s")
    return Result(times=[report["time_ms"] / 1e3], extra=dict(report, cpu=cpu))


def time_command(cmd, timeout):
    """Runs `cmd` once; returns (wall seconds, CPU seconds, returncode, stdout, stderr), with
    returncode None after a timeout."""
    start = time.perf_counter()
    try:
        proc, cpu = _run_cpu(cmd, timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, None, None, "", f"timed out after {timeout} s"
    return time.perf_counter() - start, cpu, proc.returncode, proc.stdout, proc.stderr


@dataclasses.dataclass
class Runner:
    """One column of the run-time table: how to run a program (a .wasm or a native binary)."""
    name: str
    command: object  # function(program) -> argv list, or a failure string

    def argv(self, program):
        return self.command(program)


def node_runner(name, node, flags, wasi_mode):
    script = os.path.join(HERE, "node", "wasi_run.cjs")
    extra = []
    if node_major(node) < 20:
        extra.append("--experimental-wasi-unstable-preview1")  # needed before node 20
    if wasi_mode == "builtin":
        # Node 20's built-in fd_write has been seen to crash intermittently through the fast
        # API-call path; printing is rare here, so the slow path costs nothing measurable.
        extra.append("--no-turbo-fast-api-calls")
    return Runner(name, lambda p: [node, *flags, *extra, "--no-warnings", script,
                                   f"--wasi={wasi_mode}", p.wasm, *p.args])


def slipstream_runner(slipstream):
    def command(p):
        if not os.path.exists(slipstream):
            return f"n/a (no binary at {slipstream})"
        return [slipstream, "run", p.wasm, *p.args]
    return Runner("slipstream", command)


def native_runner():
    def command(p):
        if not p.native:
            return p.native_failure or "n/a (no wasm2c build)"
        return [p.native, *p.args]
    return Runner("native", command)


def _last_line(text):
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""
