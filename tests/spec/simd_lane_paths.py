#!/usr/bin/env python3
# Differential checks of the baseline tier's v128 lane and memory emitters (emit_simd_lane.c):
# each instruction computed on operands in locals (the reference) against the same instruction
# on constant operands, operands in registers, operands in home slots (across a block boundary),
# operands spilled by register pressure, and locals that live in frame slots rather than pinned
# registers. The spec tests mostly feed operands straight from parameters. Writes the checks as
# a .wast file into a temporary folder and runs them:
#   simd_lane_paths.py SLIPSTREAM [TIER]   (the slipstream binary and tier, baseline by
#                                          default; its spec summary is the result)
import os, struct, subprocess, sys, tempfile

V128 = [
    [0] * 16,
    [0xff] * 16,
    list(range(16)),
    [0x80, 0x7f, 0, 0xff, 1, 0x80, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x80],
    [0, 15, 16, 255, 128, 127, 3, 17, 111, 5, 4, 3, 2, 1, 0, 0x8f],
    [1, 0] * 8,
]
SCALARS = {
    'i32': [0, 0xffffffff, 0x12345678, 0x80, 0x8000],
    'i64': [0, 0xffffffffffffffff, 0x123456789abcdef0, 1 << 63],
    'f32': [0, 0x80000000, 0x3fc00000, 0x7fc00001, 0xff800000],
    'f64': [0, 1 << 63, 0x3ff8000000000000, 0x7ff0000000000001, 0xfff0000000000000],
}
SHUFFLES = [list(range(16)), list(range(16, 32)),
            [0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31],
            [31, 0, 30, 1, 29, 2, 28, 3, 27, 4, 26, 5, 25, 6, 24, 7], [5] * 8 + [20] * 8]

def const(t, v):
    if t == 'v128':
        return '(v128.const i8x16 ' + ' '.join(str(b) for b in v) + ')'
    if t in ('i32', 'i64'):
        return f'({t}.const {v})'
    # floats by their bits, so NaN payloads and signed zeros are exact
    width = 32 if t == 'f32' else 64
    sign = '-' if v >> (width - 1) else ''
    mant_bits = 23 if t == 'f32' else 52
    exp = (v >> mant_bits) & ((1 << (width - 1 - mant_bits)) - 1)
    mant = v & ((1 << mant_bits) - 1)
    if exp == (1 << (width - 1 - mant_bits)) - 1:
        return f'({t}.const {sign}nan:0x{mant:x})' if mant else f'({t}.const {sign}inf)'
    packed = struct.pack('<I', v) if t == 'f32' else struct.pack('<Q', v)
    x = struct.unpack('<f', packed)[0] if t == 'f32' else struct.unpack('<d', packed)[0]
    return f"({t}.const {float.hex(x)})"

# An expression of `t` whose value is in a register, not a constant or a local reference.
def in_reg(t, e):
    return {'v128': f'(v128.not (v128.not {e}))', 'i32': f'(i32.xor {e} (i32.const 0))',
            'i64': f'(i64.xor {e} (i64.const 0))', 'f32': f'(f32.neg (f32.neg {e}))',
            'f64': f'(f64.neg (f64.neg {e}))'}[t]

def equal(t, a, b):
    if t == 'v128':
        return f'(i32.eqz (v128.any_true (v128.xor {a} {b})))'
    it = {'f32': 'i32', 'f64': 'i64'}.get(t, t)
    if it != t:
        a, b = f'({it}.reinterpret_{t} {a})', f'({it}.reinterpret_{t} {b})'
    return f'({it}.eq {a} {b})'

funcs, asserts = [], []

# Eleven values in registers, more than the xmm registers the value stack has, while `value`
# is computed.
def under_pressure(value, rt):
    fill = ' '.join(['(v128.not (local.get $fill))'] * 11)
    drops = ' '.join(['(drop)'] * 11)
    return f'(block (result {rt}) {fill} {value} (local.set $r) {drops} (local.get $r))'

# A store's value: the 16 bytes at STORE_AT after clearing them and running the store.
STORE_AT = 100
def stored(seq):
    clear = f'(v128.store (i32.const {STORE_AT}) (v128.const i64x2 0 0))'
    return f'(block (result v128) {clear} {seq} (v128.load (i32.const {STORE_AT})))'

# One function per operand tuple: every variant compared with the reference. With
# `in_frame`, eight v128 locals used more than the operands take the pinned xmm registers.
# `rt` None: a store, compared by what it wrote.
def check(op, types, rt, values, in_frame):
    n = len(funcs)
    value = (lambda seq: f'(block (result {rt}) {seq})') if rt else stored
    rt = rt or 'v128'
    params = ' '.join(f'(local $p{i} {t})' for i, t in enumerate(types))
    locals_ = f'{params} (local $r {rt}) (local $fill v128)'
    busy = ''
    if in_frame:
        locals_ += ' ' + ' '.join(f'(local $d{i} v128)' for i in range(8))
        busy = ' '.join(f'(drop (local.get $d{i}))' for i in range(8) for _ in range(40))
    sets = ' '.join(f'(local.set $p{i} {const(t, v)})'
                    for i, (t, v) in enumerate(zip(types, values)))
    gets = [f'(local.get $p{i})' for i in range(len(types))]
    consts = [const(t, v) for t, v in zip(types, values)]
    regs = [in_reg(t, g) for t, g in zip(types, gets)]
    ref = value(f'({op} {" ".join(gets)})')
    seqs = [f'({op} {" ".join(consts)})', f'({op} {" ".join(regs)})']
    if len(types) > 1:
        for k in range(len(types)):
            mixed = [consts[i] if i == k else gets[i] for i in range(len(types))]
            seqs.append(f'({op} {" ".join(mixed)})')
            mixed = [regs[i] if i == k else consts[i] for i in range(len(types))]
            seqs.append(f'({op} {" ".join(mixed)})')
        seqs.append(f'(block (result {types[0]}) {gets[0]}) {" ".join(consts[1:])} ({op})')
    seqs.append(f'(block (result {" ".join(types)}) {" ".join(gets)}) ({op})')
    variants = [value(q) for q in seqs]
    variants.append(under_pressure(value(f'{" ".join(gets)} ({op})'), rt))
    variants.append(under_pressure(value(f'{" ".join(regs)} ({op})'), rt))
    body = ' '.join(f'(i32.and {equal(rt, ref, v)})' for v in variants)
    funcs.append(f'(func (export "c{n}") (result i32) {locals_} {busy} {sets} '
                 f'(i32.const 1) {body})')
    asserts.append(f'(assert_return (invoke "c{n}") (i32.const 1))')

def lanes(shape):
    return {'i8x16': [0, 5, 15], 'i16x8': [0, 3, 7], 'i32x4': [0, 1, 3], 'i64x2': [0, 1],
            'f32x4': [0, 2, 3], 'f64x2': [0, 1]}[shape]

SCALAR_OF = {'i8x16': 'i32', 'i16x8': 'i32', 'i32x4': 'i32', 'i64x2': 'i64', 'f32x4': 'f32',
             'f64x2': 'f64'}

def lane_ops():
    ops = [('v128.not', ['v128'], 'v128'), ('v128.any_true', ['v128'], 'i32')]
    ops += [(f'v128.{o}', ['v128'] * 2, 'v128') for o in ['and', 'or', 'xor', 'andnot']]
    ops += [(f'{s}.{o}', ['v128'], 'i32') for s in ['i8x16', 'i16x8', 'i32x4', 'i64x2']
            for o in ['all_true', 'bitmask']]
    ops += [('i8x16.swizzle', ['v128'] * 2, 'v128')]
    ops += [('i8x16.shuffle ' + ' '.join(map(str, m)), ['v128'] * 2, 'v128') for m in SHUFFLES]
    for shape, st in SCALAR_OF.items():
        ops.append((f'{shape}.splat', [st], 'v128'))
        for lane in lanes(shape):
            ext = ['extract_lane']
            if shape in ('i8x16', 'i16x8'):
                ext = ['extract_lane_s', 'extract_lane_u']
            ops += [(f'{shape}.{e} {lane}', ['v128'], st) for e in ext]
            ops.append((f'{shape}.replace_lane {lane}', ['v128', st], 'v128'))
    for op, types, rt in ops:
        if len(types) == 1:
            tuples = [[v] for v in (V128 if types[0] == 'v128' else SCALARS[types[0]])]
        elif types[1] == 'v128':
            tuples = [[a, b] for a in V128[:4] for b in V128[2:]]
        else:
            tuples = [[a, s] for a in V128[2:4] for s in SCALARS[types[1]]]
        for i, t in enumerate(tuples):
            check(op, types, rt, t, in_frame=i % 2 == 1)
    for i, (a, b, c) in enumerate([(V128[2], V128[3], V128[1]), (V128[3], V128[4], V128[5]),
                                   (V128[4], V128[2], V128[3])]):
        check('v128.bitselect', ['v128'] * 3, 'v128', [a, b, c], in_frame=i == 1)

# Loads: the index (and the vector of a lane load) in each location; stores: the bytes written,
# read back after the region was cleared.
def memory_ops():
    loads = ['v128.load', 'v128.load8x8_s', 'v128.load8x8_u', 'v128.load16x4_s',
             'v128.load16x4_u', 'v128.load32x2_s', 'v128.load32x2_u', 'v128.load8_splat',
             'v128.load16_splat', 'v128.load32_splat', 'v128.load64_splat', 'v128.load32_zero',
             'v128.load64_zero']
    for op in loads:
        for index in [0, 5, 65520]:
            check(f'{op} offset=3' if index == 5 else op, ['i32'], 'v128', [index], in_frame=False)
    for size, n in [(8, 16), (16, 8), (32, 4), (64, 2)]:
        for lane in [0, n - 1]:
            for index in [1, 65536 - size // 8]:
                check(f'v128.load{size}_lane {lane}', ['i32', 'v128'], 'v128', [index, V128[3]],
                      in_frame=lane != 0)
    stores = ['v128.store'] + [f'v128.store{size}_lane {lane}' for size, n in
                               [(8, 16), (16, 8), (32, 4), (64, 2)] for lane in [0, n - 1]]
    for i, op in enumerate(stores):
        for vec in V128[2:4]:
            check(op, ['i32', 'v128'], None, [STORE_AT, vec], in_frame=i % 2 == 1)

def main():
    lane_ops()
    memory_ops()
    data_low = ''.join(f'\\{b:02x}' for b in range(256))
    data_high = ''.join(f'\\{(b * 37) & 255:02x}' for b in range(32))
    module = ['(module (memory 1)', f'(data (i32.const 0) "{data_low}")',
              f'(data (i32.const 65504) "{data_high}")']
    module += funcs
    module.append(')')
    text = '\n'.join(module) + '\n' + '\n'.join(asserts) + '\n'
    tier = sys.argv[2] if len(sys.argv) > 2 else 'baseline'  # the tier to check
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'simd_lane_paths.wast')
        with open(path, 'w') as f:
            f.write(text)
        sys.exit(subprocess.run([sys.argv[1], 'spec', '--tier=' + tier, path]).returncode)

if __name__ == '__main__':
    main()
