// Times V8's compilation of one module inside node: `new WebAssembly.Module(bytes)` (synchronous:
// decode, validate, compile every function when lazy compilation is off), measured with
// process.hrtime around the call only, after one untimed warm-up compile.
//
// usage: node [V8 flags] compile_time.cjs FILE.wasm REPEAT
// prints one JSON line: {"wall_ms": [...], "cpu_ms": [...]}
//
// V8 keeps a process-wide cache of compiled modules keyed by their bytes, so compiling the same
// buffer again costs almost nothing. Each compile therefore gets its own copy of the module with a
// different custom section ("bench-nonce") appended; custom sections have no effect on the code.
'use strict';
const fs = require('fs');

const [file, repeatText] = process.argv.slice(2);
const repeat = Number(repeatText || 5);
if (!file || !(repeat >= 1)) {
    console.error('usage: node compile_time.cjs FILE.wasm REPEAT');
    process.exit(2);
}
const base = fs.readFileSync(file);
let serial = 0;

function leb128(n) {
    const out = [];
    do {
        let byte = n & 0x7f;
        n >>>= 7;
        if (n) byte |= 0x80;
        out.push(byte);
    } while (n);
    return Buffer.from(out);
}

function uniqueCopy() {
    const name = Buffer.from('bench-nonce');
    const payload = Buffer.from(`${process.pid}-${++serial}`);
    const body = Buffer.concat([leb128(name.length), name, payload]);
    return Buffer.concat([base, Buffer.from([0]), leb128(body.length), body]);
}

function compileOnce() {
    const bytes = uniqueCopy();
    if (global.gc) global.gc(); // drop the previous module's code outside the timed region
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const compiled = new WebAssembly.Module(bytes);
    const t1 = process.hrtime.bigint();
    const cpu = process.cpuUsage(cpu0);
    if (!compiled) throw new Error('no module');
    return { wall: Number(t1 - t0) / 1e6, cpu: (cpu.user + cpu.system) / 1e3 };
}

compileOnce(); // warm-up: first-use costs of the wasm engine, code-space reservation
const wall = [], cpu = [];
for (let i = 0; i < repeat; i++) {
    const r = compileOnce();
    wall.push(r.wall);
    cpu.push(r.cpu);
}
console.log(JSON.stringify({ wall_ms: wall, cpu_ms: cpu }));
