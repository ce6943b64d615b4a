#!/usr/bin/env python3
"""Prints the folder-to-folder graph of #include "..." lines and fails on a cycle.

Usage: include_graph.py [--quiet] [--root REPO_ROOT] [FOLDER...]
       include_graph.py --self-test

Reads every C source and header (.c .h .def) under the FOLDERs of REPO_ROOT (engine, daemon, tools,
config and common of this script's repository by default). A quoted name is resolved the way the
build resolves it: the including file's own folder first (what the preprocessor does for "..."),
otherwise the one scanned folder that holds a file of that name (the build puts folders on the
include path, and includes use bare names). A name two folders hold is an error, since which one the
compiler picks would depend on the order of -I flags. A name no folder holds (a generated header
such as daemon_build.h) is listed and ignored.

Output: one line per edge, "from -> to  (N includes, e.g. file: name)", then each cycle (a strongly
connected set of two or more folders, with one concrete loop through it). Exits 0 without a cycle,
1 with one, 2 on an ambiguous name.
"""
import os
import re
import shutil
import sys
import tempfile

SCANNED = ("engine", "daemon", "tools", "config", "common")
SUFFIXES = (".c", ".h", ".def")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(root, tops):
    for top in tops:
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(SUFFIXES):
                    path = os.path.join(folder, name)
                    yield os.path.relpath(path, root).replace(os.sep, "/")


def folder_of(path):
    return path.rsplit("/", 1)[0]


def resolve(path, name, files, by_name):
    """The file `name` in `path` means: (resolved path, or None; list of candidates)."""
    own = os.path.normpath(os.path.join(folder_of(path), name)).replace(os.sep, "/")
    if own in files:
        return own, [own]
    candidates = sorted(f for f in by_name.get(os.path.basename(name), ())
                        if f == name or f.endswith("/" + name))
    return (candidates[0] if len(candidates) == 1 else None), candidates


def build_graph(root, tops):
    files = set(sources(root, tops))
    by_name = {}
    for f in files:
        by_name.setdefault(f.rsplit("/", 1)[-1], []).append(f)
    edges, unresolved, ambiguous = {}, [], []
    for path in sorted(files):
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for name in INCLUDE.findall(text):
            target, candidates = resolve(path, name, files, by_name)
            if target is None:
                (ambiguous if candidates else unresolved).append((path, name, candidates))
                continue
            a, b = folder_of(path), folder_of(target)
            if a != b:
                edges.setdefault((a, b), []).append(f"{path}: {name}")
    return edges, unresolved, ambiguous


def cycles(edges):
    """Strongly connected sets of two or more folders (Tarjan), each as a sorted list."""
    succ = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        # Iterative, so a deep chain of folders cannot exhaust Python's recursion limit.
        work = [(v, iter(sorted(succ[v])))]
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        while work:
            node, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(succ[w]))))
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    scc = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        scc.append(w)
                        if w == node:
                            break
                    if len(scc) > 1:
                        found.append(sorted(scc))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return found


def loop_through(scc, edges):
    """One closed walk from the set's first folder that stays inside the set and visits it all."""
    inside = set(scc)
    succ = {a: sorted(b for (x, b) in edges if x == a and b in inside) for a in scc}

    def path(src, dst):  # breadth-first: the shortest path inside the set
        prev, queue = {}, [src]
        for v in queue:
            for w in succ[v]:
                if w not in prev:
                    prev[w] = v
                    queue.append(w)
        out, v = [], dst
        while v != src:
            out.append(v)
            v = prev[v]
        return out[::-1]

    walk, here = [scc[0]], scc[0]
    for target in scc[1:]:
        if target not in walk:
            walk += path(here, target)
            here = target
    return walk + path(here, scc[0])


def report(root, out, tops=SCANNED, quiet=False):
    edges, unresolved, ambiguous = build_graph(root, tops)
    if not quiet:
        for (a, b), uses in sorted(edges.items()):
            plural = "s" if len(uses) > 1 else ""
            print(f"{a} -> {b}  ({len(uses)} include{plural}, e.g. {uses[0]})", file=out)
        for path, name, _ in unresolved:
            print(f"unresolved (generated or missing): {path}: {name}", file=out)
    for path, name, candidates in ambiguous:
        print(f"ambiguous: {path}: {name} could be {', '.join(candidates)}", file=out)
    found = cycles(edges)
    for scc in found:
        print(f"cycle across {', '.join(scc)}: {' -> '.join(loop_through(scc, edges))}", file=out)
    if ambiguous:
        return 2
    if found:
        return 1
    print(f"no cycle: {len(edges)} edges between folders", file=out)
    return 0


def self_test():
    """The checker on two small trees: one with a cycle across folders, one without."""
    roots = []

    def tree(files):
        root = tempfile.mkdtemp(prefix="include_graph.")
        roots.append(root)
        for path, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as fh:
                fh.write(text)
        return root

    layered = {
        "engine/base/vec.h": '#include "api.h"\n',
        "engine/include/api.h": "",
        "engine/decode/module.h": '#include "vec.h"\n#include "api.h"\n',
        "engine/decode/module.c": '#include "module.h"\n',
        "engine/engine.c": '#include "module.h"\n#include "daemon_build.h"\n',
        "daemon/main.c": '#include "api.h"\n',
    }
    looped = dict(layered)
    looped["engine/base/vec.c"] = '#include "vec.h"\n  #  include "engine_impl.h"\n'
    looped["engine/engine_impl.h"] = '#include "module.h"\n'
    ambiguous = dict(layered)
    ambiguous["daemon/module.h"] = ""
    ambiguous["tools/cli.c"] = '#include "module.h"\n'

    class Sink(list):
        def write(self, s):
            self.append(s)

    failures = []
    for name, files, want_rc, want_text in [
        ("layered", layered, 0, "no cycle: 5 edges"),
        ("looped", looped, 1, "cycle across engine, engine/base, engine/decode: "
                              "engine -> engine/decode -> engine/base -> engine"),
        ("ambiguous", ambiguous, 2, "could be daemon/module.h, engine/decode/module.h"),
    ]:
        sink = Sink()
        rc = report(tree(files), sink)
        text = "".join(sink)
        if rc != want_rc or want_text not in text:
            failures.append(f"{name}: exit {rc} (want {want_rc}), output:\n{text}")
    # The own folder wins over another folder's file of the same name.
    sink = Sink()
    rc = report(tree({"engine/a/x.h": "", "engine/b/x.h": "", "engine/b/y.c": '#include "x.h"\n'}),
                sink)
    if rc != 0 or "no cycle: 0 edges" not in "".join(sink):
        failures.append(f"own folder first: exit {rc}, output:\n{''.join(sink)}")
    for root in roots:
        shutil.rmtree(root)
    for f in failures:
        print("FAIL", f)
    print(f"self-test: {4 - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    args = argv[1:]
    quiet = "--quiet" in args
    args = [a for a in args if a != "--quiet"]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    if args[:1] == ["--root"] and len(args) > 1:
        root, args = args[1], args[2:]
    return report(os.path.abspath(root), sys.stdout, tuple(args) or SCANNED, quiet)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
