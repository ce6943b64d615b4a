#!/usr/bin/env python3
# Checks of the baseline tier's v128 integer-lane emitters (emit_simd_int.c) against a lane
# model written here from the spec's definitions: every instruction on operands in pinned
# locals, on the same local twice, on constants, on registers with eight other v128 values live
# (so that the emitter's temporaries force spills), and on locals that live in frame slots.
# Shifts take constant and variable counts, negative and beyond the lane width. Random operands
# (fixed seed) mixed with lane edge values. Writes the checks as a .wast file into a temporary
# folder and runs them:
#   simd_int_paths.py SLIPSTREAM [TIER]   (the slipstream binary and tier, baseline by
#                                         default; its spec summary is the result)
import os, random, subprocess, sys, tempfile

WIDTH = {'i8x16': 8, 'i16x8': 16, 'i32x4': 32, 'i64x2': 64}
NAME = {w: shape for shape, w in WIDTH.items()}

def lanes(v, w):
    return [(v >> (i * w)) & ((1 << w) - 1) for i in range(128 // w)]

def pack(values, w):
    return sum((x & ((1 << w) - 1)) << (i * w) for i, x in enumerate(values))

def signed(x, w):
    x &= (1 << w) - 1
    return x - (1 << w) if x >> (w - 1) else x

def sat(x, lo, hi):
    return max(lo, min(hi, x))

def ones_if(c, w):
    return (1 << w) - 1 if c else 0

def lanewise2(w, f):
    return lambda a, b: pack([f(x, y) for x, y in zip(lanes(a, w), lanes(b, w))], w)

def lanewise1(w, f):
    return lambda a: pack([f(x) for x in lanes(a, w)], w)

def instructions():
    """(binary, unary, shift) dictionaries: text -> the model."""
    binary, unary, shift = {}, {}, {}
    for shape, w in WIDTH.items():
        s = lambda x, w=w: signed(x, w)
        smin, smax = -(1 << (w - 1)), (1 << (w - 1)) - 1
        binary[shape + '.add'] = lanewise2(w, lambda x, y: x + y)
        binary[shape + '.sub'] = lanewise2(w, lambda x, y: x - y)
        if w != 8:
            binary[shape + '.mul'] = lanewise2(w, lambda x, y: x * y)
        unary[shape + '.neg'] = lanewise1(w, lambda x: -x)
        unary[shape + '.abs'] = lanewise1(w, lambda x, s=s: abs(s(x)))
        binary[shape + '.eq'] = lanewise2(w, lambda x, y, w=w: ones_if(x == y, w))
        binary[shape + '.ne'] = lanewise2(w, lambda x, y, w=w: ones_if(x != y, w))
        for rel, f in [('lt', lambda p, q: p < q), ('gt', lambda p, q: p > q),
                       ('le', lambda p, q: p <= q), ('ge', lambda p, q: p >= q)]:
            binary[f'{shape}.{rel}_s'] = lanewise2(
                w, lambda x, y, f=f, s=s, w=w: ones_if(f(s(x), s(y)), w))
            if w != 64:
                binary[f'{shape}.{rel}_u'] = lanewise2(w, lambda x, y, f=f, w=w: ones_if(f(x, y), w))
        shift[shape + '.shl'] = lambda a, n, w=w: pack([x << (n % w) for x in lanes(a, w)], w)
        shift[shape + '.shr_u'] = lambda a, n, w=w: pack([x >> (n % w) for x in lanes(a, w)], w)
        shift[shape + '.shr_s'] = lambda a, n, w=w: pack(
            [signed(x, w) >> (n % w) for x in lanes(a, w)], w)
        if w != 64:
            binary[shape + '.min_s'] = lanewise2(w, lambda x, y, s=s: min(s(x), s(y)))
            binary[shape + '.max_s'] = lanewise2(w, lambda x, y, s=s: max(s(x), s(y)))
            binary[shape + '.min_u'] = lanewise2(w, min)
            binary[shape + '.max_u'] = lanewise2(w, max)
        if w <= 16:
            umax = (1 << w) - 1
            binary[shape + '.avgr_u'] = lanewise2(w, lambda x, y: (x + y + 1) >> 1)
            binary[shape + '.add_sat_s'] = lanewise2(
                w, lambda x, y, s=s, lo=smin, hi=smax: sat(s(x) + s(y), lo, hi))
            binary[shape + '.sub_sat_s'] = lanewise2(
                w, lambda x, y, s=s, lo=smin, hi=smax: sat(s(x) - s(y), lo, hi))
            binary[shape + '.add_sat_u'] = lanewise2(w, lambda x, y, hi=umax: sat(x + y, 0, hi))
            binary[shape + '.sub_sat_u'] = lanewise2(w, lambda x, y, hi=umax: sat(x - y, 0, hi))
    unary['i8x16.popcnt'] = lanewise1(8, lambda x: bin(x).count('1'))
    binary['i16x8.q15mulr_sat_s'] = lanewise2(
        16, lambda x, y: sat((signed(x, 16) * signed(y, 16) + 0x4000) >> 15, -32768, 32767))

    def dot(a, b):
        x = [signed(v, 16) for v in lanes(a, 16)]
        y = [signed(v, 16) for v in lanes(b, 16)]
        return pack([x[2 * i] * y[2 * i] + x[2 * i + 1] * y[2 * i + 1] for i in range(4)], 32)
    binary['i32x4.dot_i16x8_s'] = dot

    for w in (8, 16):
        for sg, lo, hi in [('s', -(1 << (w - 1)), (1 << (w - 1)) - 1), ('u', 0, (1 << w) - 1)]:
            binary[f'{NAME[w]}.narrow_{NAME[2 * w]}_{sg}'] = lambda a, b, w=w, lo=lo, hi=hi: pack(
                [sat(signed(v, 2 * w), lo, hi) for v in lanes(a, 2 * w) + lanes(b, 2 * w)], w)
    for w in (8, 16, 32):
        wide, narrow = NAME[2 * w], NAME[w]
        for half in ('low', 'high'):
            for sg in ('s', 'u'):
                def widen(a, w=w, half=half, sg=sg):
                    v = lanes(a, w)
                    v = v[:len(v) // 2] if half == 'low' else v[len(v) // 2:]
                    return [signed(x, w) if sg == 's' else x for x in v]
                unary[f'{wide}.extend_{half}_{narrow}_{sg}'] = (
                    lambda a, widen=widen, w=w: pack(widen(a), 2 * w))
                binary[f'{wide}.extmul_{half}_{narrow}_{sg}'] = (
                    lambda a, b, widen=widen, w=w:
                        pack([x * y for x, y in zip(widen(a), widen(b))], 2 * w))
        if w <= 16:
            for sg in ('s', 'u'):
                def pairwise(a, w=w, sg=sg):
                    v = [signed(x, w) if sg == 's' else x for x in lanes(a, w)]
                    return pack([v[2 * i] + v[2 * i + 1] for i in range(len(v) // 2)], 2 * w)
                unary[f'{wide}.extadd_pairwise_{narrow}_{sg}'] = pairwise
    return binary, unary, shift

def operands(rng, n):
    """n v128 values: half random, half built from each lane width's edge values."""
    out = [rng.getrandbits(128) for _ in range(n // 2)]
    for _ in range(n - n // 2):
        w = rng.choice([8, 16, 32, 64])
        edges = [0, 1, 2, (1 << w) - 1, (1 << w) - 2, 1 << (w - 1), (1 << (w - 1)) - 1,
                 (1 << (w - 1)) + 1]
        out.append(pack([rng.choice(edges) if rng.random() < 0.6 else rng.getrandbits(w)
                         for _ in range(128 // w)], w))
    return out

def const(v):
    return '(v128.const i32x4 ' + ' '.join(f'0x{x:08x}' for x in lanes(v, 32)) + ')'

# Eight computed zeros stay live across the instruction, then are or-ed into its result.
N_LIVE = 8
LIVE = ' '.join(['(v128.xor (local.get 0) (local.get 0))'] * N_LIVE)
MERGE = ' '.join(['(v128.or)'] * N_LIVE)

def in_register(local):
    return f'(v128.or (local.get {local}) (v128.const i64x2 0 0))'

def main():
    rng = random.Random(4)
    binary, unary, shift = instructions()
    modules = []
    for op, model in sorted(binary.items()):
        # in "slot", locals 2-9 are used more, so they take the pinned registers
        busy = ' '.join(f'(drop (local.get {i})) (drop (local.get {i}))' for i in range(2, 10))
        funcs = [
            f'(func (export "locals") (param v128 v128) (result v128)'
            f' ({op} (local.get 0) (local.get 1)))',
            f'(func (export "same") (param v128) (result v128) ({op} (local.get 0) (local.get 0)))',
            f'(func (export "pressure") (param v128 v128) (result v128) {LIVE}'
            f' {in_register(0)} {in_register(1)} ({op}) {MERGE})',
            f'(func (export "slot") (param v128 v128) (result v128) (local {"v128 " * 8}) {busy}'
            f' ({op} (local.get 0) (local.get 1)))',
        ]
        asserts = []
        for a, b in zip(operands(rng, 10), operands(rng, 10)):
            for name in ('locals', 'pressure', 'slot'):
                asserts.append(f'(assert_return (invoke "{name}" {const(a)} {const(b)})'
                               f' {const(model(a, b))})')
            asserts.append(f'(assert_return (invoke "same" {const(a)}) {const(model(a, a))})')
        a, b = operands(rng, 2)
        funcs.append(f'(func (export "constants") (result v128) ({op} {const(a)} {const(b)}))')
        asserts.append(f'(assert_return (invoke "constants") {const(model(a, b))})')
        modules.append((funcs, asserts))
    for op, model in sorted(unary.items()):
        funcs = [f'(func (export "local") (param v128) (result v128) ({op} (local.get 0)))',
                 f'(func (export "pressure") (param v128) (result v128) {LIVE} {in_register(0)}'
                 f' ({op}) {MERGE})']
        asserts = [f'(assert_return (invoke "{name}" {const(a)}) {const(model(a))})'
                   for a in operands(rng, 12) for name in ('local', 'pressure')]
        modules.append((funcs, asserts))
    counts = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, -1, -7, 0x7fffffff,
              -0x80000000]
    for op, model in sorted(shift.items()):
        funcs = [f'(func (export "local") (param v128 i32) (result v128)'
                 f' ({op} (local.get 0) (local.get 1)))',
                 f'(func (export "pressure") (param v128 i32) (result v128) {LIVE}'
                 f' {in_register(0)} (i32.add (local.get 1) (i32.const 0)) ({op}) {MERGE})']
        asserts = []
        for i, n in enumerate(counts):
            funcs.append(f'(func (export "by{i}") (param v128) (result v128)'
                         f' ({op} (local.get 0) (i32.const {n})))')
            funcs.append(f'(func (export "pressure_by{i}") (param v128) (result v128) {LIVE}'
                         f' {in_register(0)} (i32.const {n}) ({op}) {MERGE})')
            for a in operands(rng, 3):
                r = const(model(a, n & 0xffffffff))
                for call in (f'"local" {const(a)} (i32.const {n})',
                             f'"pressure" {const(a)} (i32.const {n})',
                             f'"by{i}" {const(a)}', f'"pressure_by{i}" {const(a)}'):
                    asserts.append(f'(assert_return (invoke {call}) {r})')
        modules.append((funcs, asserts))
    text = ''.join('(module\n' + '\n'.join(funcs) + ')\n' + '\n'.join(asserts) + '\n'
                   for funcs, asserts in modules)
    tier = sys.argv[2] if len(sys.argv) > 2 else 'baseline'  # the tier to check
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'simd_int_paths.wast')
        with open(path, 'w') as f:
            f.write(text)
        sys.exit(subprocess.run([sys.argv[1], 'spec', '--tier=' + tier, path]).returncode)

if __name__ == '__main__':
    main()
