#!/usr/bin/env python3
# Differential checks of the baseline tier's float emitters: each operation computed with its
# operands in locals (the reference) against the same operation with constant operands, operands
# in home slots (across a block boundary) and under register pressure (15 live values), compared
# bit for bit. The spec tests feed operands almost only one way; the emitters have one path per
# operand location. Writes the checks as a .wast file into a temporary folder and runs them:
#   float_paths.py SLIPSTREAM [TIER]   (the slipstream binary and tier, baseline by default;
#                                      its spec summary is the result)
import itertools, os, subprocess, sys, tempfile
F32 = [0x0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
       0x7fa00000, 0x00000001, 0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x4f800000,
       0x3f000000, 0xbf000000, 0x40200000, 0x7f7fffff, 0x5f800000, 0xbf7fffff, 0x4effffff, 0xcf000001]
F64 = [0x0, 1<<63, 0x3ff0000000000000, 0xbff0000000000000, 0x7ff0000000000000, 0xfff0000000000000,
       0x7ff8000000000000, 0xfff8000000000000, 0x7ff4000000000000, 1, 0x41e0000000000000,
       0xc1e0000000000000, 0xc1e0000000200000, 0x43e0000000000000, 0xc3e0000000000000, 0x41f0000000000000,
       0x3fe0000000000000, 0xbfe0000000000000, 0x4004000000000000, 0x7fefffffffffffff, 0x43f0000000000000,
       0xbfefffffffffffff, 0x41dfffffffc00000, 0xc1e00000001fffff, 0x41efffffffe00000]
I64 = [0, 1, -1, 2**63-1, -2**63, 2**53+1, 2**63+2**11+1 - 2**64, 0x8000000000000401 - 2**64,
       0xffffffffffffffff - 2**64 + 0, 0x7fffffffffffffff, 0x20000000000001, 0xfffffffffffff800 - 2**64]
I32 = [0, 1, -1, 2**31-1, -2**31, 16777217, -16777217, 0x7fffffc0]
T = {'f32': ('i32', F32), 'f64': ('i64', F64)}
out = ['(module']
asserts = []
n = 0
def fconst(t, bits):
    it = T[t][0]
    return f'({t}.reinterpret_{it} ({it}.const {bits}))'
def bits_of(t, e):
    return f'({T[t][0]}.reinterpret_{t} {e})'
def func(body_checks, locals_):
    global n
    n += 1
    name = f'c{n}'
    out.append(f'(func (export "{name}") (result i32) {locals_}')
    out.append('  (i32.const 1)')
    for c in body_checks:
        out.append(f'  (i32.and {c})')
    out.append(')')
    asserts.append(f'(assert_return (invoke "{name}") (i32.const 1))')

def operand(t, mode, local, bits):
    if mode == 'reg': return f'(local.get {local})'
    if mode == 'const': return fconst(t, bits)
    raise Exception

def binops(t):
    it = T[t][0]
    ar = ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign']
    cm = ['eq', 'ne', 'lt', 'gt', 'le', 'ge']
    vals = T[t][1][:14]
    for op in ar + cm:
        is_cmp = op in cm
        res = it if not is_cmp else 'i32'
        wrap = (lambda e: bits_of(t, e)) if not is_cmp else (lambda e: e)
        for a, b in itertools.product(vals, vals):
            la = f'(local.set $a {fconst(t, a)}) (local.set $b {fconst(t, b)})'
            ref = wrap(f'({t}.{op} (local.get $a) (local.get $b))')
            variants = []
            for ma, mb in [('const','const'),('const','reg'),('reg','const')]:
                variants.append(wrap(f'({t}.{op} {operand(t,ma,"$a",a)} {operand(t,mb,"$b",b)})'))
            variants.append(wrap(f'(block (result {t} {t}) (local.get $a) (local.get $b)) ({t}.{op})'))
            variants.append(wrap(f'(block (result {t}) (local.get $a)) (local.get $b) ({t}.{op})'))
            variants.append(wrap(f'(block (result {t}) (local.get $a)) {fconst(t,b)} ({t}.{op})'))
            # const lhs, rhs in a register spilled by pressure, then the op
            fill = ' '.join(['(local.get $a)'] * 15)
            drops = ' '.join(['(drop)'] * 15)
            variants.append(wrap(f'{fconst(t,a)} (local.get $b) {fill} {drops} ({t}.{op})'))
            # both in registers while every other register is taken
            variants.append(wrap(f'{fill} (local.get $a) (local.get $b) ({t}.{op}) (local.set $r{t if not is_cmp else "i32"}) {drops} (local.get $r{t if not is_cmp else "i32"})'))
            checks = [f'({res}.eq {ref} {v})' for v in variants]
            # the operands are set inside the first check: local.set has no result, so the and
            # still sees one i32
            func([la + ' ' + checks[0]] + checks[1:], f'(local $a {t}) (local $b {t}) (local $ri32 i32) (local $r{t} {t})')

def unops(t):
    it = T[t][0]
    ops = [(f'{t}.{o}', t) for o in ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest']]
    if t == 'f32':
        ops += [('f64.promote_f32', 'f64'), ('i32.reinterpret_f32', 'i32')]
    else:
        ops += [('f32.demote_f64', 'f32'), ('i64.reinterpret_f64', 'i64')]
    ops += [(f'{i}.trunc_sat_{t}_{s}', i) for i in ['i32', 'i64'] for s in 'su']
    for op, rt in ops:
        wrap = (lambda e, rt=rt: bits_of(rt, e)) if rt in ('f32', 'f64') else (lambda e: e)
        rit = {'f32': 'i32', 'f64': 'i64'}.get(rt, rt)
        for a in T[t][1]:
            ref = wrap(f'({op} (local.get $a))')
            vs = [wrap(f'({op} {fconst(t,a)})'),
                  wrap(f'(block (result {t}) (local.get $a)) ({op})'),
                  wrap(' '.join(['(local.get $a)'] * 15) + f' (local.get $a) ({op}) (local.set $r{rt}) ' + ' '.join(['(drop)'] * 15) + f' (local.get $r{rt})')]
            checks = [f'({rit}.eq {ref} {v})' for v in vs]
            func(checks, f'(local $a {t}) (local $r{rt} {rt})')
            out[-len(checks)-2] += f' (local.set $a {fconst(t, a)})'

def convs():
    for it, vals in [('i32', I32), ('i64', I64)]:
        for ft in ['f32', 'f64']:
            for s in 'su':
                op = f'{ft}.convert_{it}_{s}'
                fit = T[ft][0]
                for v in vals:
                    ref = bits_of(ft, f'({op} (local.get $a))')
                    vs = [bits_of(ft, f'({op} ({it}.const {v}))'),
                          bits_of(ft, f'(block (result {it}) (local.get $a)) ({op})')]
                    checks = [f'({fit}.eq {ref} {x})' for x in vs]
                    func(checks, f'(local $a {it})')
                    out[-len(checks)-2] += f' (local.set $a ({it}.const {v}))'

def main():
    for t in ['f32', 'f64']:
        binops(t)
        unops(t)
    convs()
    out.append(')')
    tier = sys.argv[2] if len(sys.argv) > 2 else 'baseline'  # the tier to check
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'float_paths.wast')
        with open(path, 'w') as f:
            f.write('\n'.join(out) + '\n' + '\n'.join(asserts) + '\n')
        sys.exit(subprocess.run([sys.argv[1], 'spec', '--tier=' + tier, path]).returncode)

if __name__ == '__main__':
    main()
