"""The C benchmark programs in bench/programs/: built to wasm32-wasi with clang -O2 (one also with
-msimd128) and, through wasm2c + gcc -O2, to a native binary that runs the same wasm code."""

import dataclasses
import os
import subprocess

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bench/

# name, source in bench/programs/, extra clang flags. Each program takes its size from argv with a
# default chosen to run about 0.5-2 s natively, and prints a checksum line.
PROGRAMS = [
    ("nbody", "nbody.c", []),
    ("sha256", "sha256.c", []),
    ("hashsort", "hashsort.c", []),
    ("matmul", "matmul.c", []),
    ("interp", "interp.c", []),
    ("lz", "lz.c", []),
    # The same matmul vectorized by clang: for the SIMD issue; refused by Slipstream until then.
    ("matmul-simd", "matmul.c", ["-msimd128"]),
]


@dataclasses.dataclass
class Program:
    name: str
    source: str
    wasm: str = ""
    native: str = ""  # the binary, or "" with native_failure set
    native_failure: str = ""
    has_simd: bool = False
    args: list = dataclasses.field(default_factory=list)


class BuildError(Exception):
    pass


def _stale(target, *sources):
    if not os.path.exists(target):
        return True
    t = os.path.getmtime(target)
    return any(os.path.getmtime(s) > t for s in sources)


def _run(cmd, what):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        msg = (proc.stderr or proc.stdout).strip().splitlines()
        raise BuildError(f"{what}: {' '.join(cmd[:3])}... failed (status {proc.returncode})"
                         f"{': ' + msg[-1] if msg else ''}")


def build(work_dir, names=None, cc_wasm="clang", cc_native="gcc", log=print):
    """Builds the selected programs (all by default); returns Program objects."""
    out = []
    wasm_dir = os.path.join(work_dir, "programs")
    os.makedirs(wasm_dir, exist_ok=True)
    shim = os.path.join(HERE, "native", "wasi_main.c")
    for name, source, flags in PROGRAMS:
        if names and name not in names:
            continue
        src = os.path.join(HERE, "programs", source)
        p = Program(name, src, has_simd="-msimd128" in flags)
        p.wasm = os.path.join(wasm_dir, name + ".wasm")
        if _stale(p.wasm, src):
            log(f"building {name}.wasm")
            _run([cc_wasm, "--target=wasm32-wasi", "-O2", *flags, "-o", p.wasm, src, "-lm"],
                 f"{name}.wasm")
        native_dir = os.path.join(work_dir, "native", name)
        binary = os.path.join(native_dir, name)
        try:
            if _stale(binary, p.wasm, shim):
                log(f"building {name} natively (wasm2c + {cc_native} -O2)")
                os.makedirs(native_dir, exist_ok=True)
                c_file = os.path.join(native_dir, "prog.c")
                _run(["wasm2c", "-n", "prog", p.wasm, "-o", c_file], "wasm2c")
                _run([cc_native, "-O2", "-I", native_dir, "-o", binary, c_file, shim,
                      "-lwasm-rt-impl", "-lm"], f"{cc_native} (wasm2c output)")
            p.native = binary
        except BuildError as e:
            # wasm2c 1.0.32 (Debian 12) has no SIMD support and aborts on such modules.
            p.native_failure = "n/a (wasm2c has no SIMD)" if p.has_simd else f"error: {e}"
        out.append(p)
    return out
