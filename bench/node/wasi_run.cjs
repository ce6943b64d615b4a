// Runs a WASI preview1 command module under node, for the run-time comparison.
//
// usage: node [V8 flags] wasi_run.cjs [--wasi=builtin|shim] FILE.wasm [ARGS...]
//
// --wasi=builtin (default) uses node's own `wasi` module. --wasi=shim uses the small JavaScript
// implementation below of the few imports wasi-libc's start-up and printf need (args, fdstat,
// fd_write to stdout/stderr, proc_exit), for node versions whose built-in WASI misbehaves.
// Exits with the guest's exit code.
'use strict';
const fs = require('fs');

let mode = 'builtin';
const argv = process.argv.slice(2);
if (argv[0] && argv[0].startsWith('--wasi=')) mode = argv.shift().slice('--wasi='.length);
const [file, ...args] = argv;
if (!file || !['builtin', 'shim'].includes(mode)) {
    console.error('usage: node wasi_run.cjs [--wasi=builtin|shim] FILE.wasm [ARGS...]');
    process.exit(2);
}
const wasmModule = new WebAssembly.Module(fs.readFileSync(file));

function runBuiltin() {
    const { WASI } = require('wasi');
    const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
    const instance = new WebAssembly.Instance(wasmModule, { wasi_snapshot_preview1: wasi.wasiImport });
    return wasi.start(instance) || 0;
}

class Exit {
    constructor(code) { this.code = code; }
}

function runShim() {
    const EBADF = 8, ESPIPE = 70, CHARACTER_DEVICE = 2;
    const argvBytes = [file, ...args].map((s) => Buffer.from(s + '\0'));
    let memory;
    const view = () => new DataView(memory.buffer);
    const imports = {
        args_sizes_get(countAt, sizeAt) {
            view().setUint32(countAt, argvBytes.length, true);
            view().setUint32(sizeAt, argvBytes.reduce((n, b) => n + b.length, 0), true);
            return 0;
        },
        args_get(ptrsAt, bufAt) {
            const bytes = new Uint8Array(memory.buffer);
            argvBytes.forEach((b, i) => {
                view().setUint32(ptrsAt + 4 * i, bufAt, true);
                bytes.set(b, bufAt);
                bufAt += b.length;
            });
            return 0;
        },
        environ_sizes_get(countAt, sizeAt) {
            view().setUint32(countAt, 0, true);
            view().setUint32(sizeAt, 0, true);
            return 0;
        },
        environ_get() { return 0; },
        fd_close(fd) { return fd <= 2 ? 0 : EBADF; },
        fd_fdstat_get(fd, at) {
            if (fd > 2) return EBADF;
            const v = view();
            for (let i = 0; i < 24; i++) v.setUint8(at + i, 0);
            v.setUint8(at, CHARACTER_DEVICE);
            v.setBigUint64(at + 8, 0xffffffffffffffffn, true);
            v.setBigUint64(at + 16, 0xffffffffffffffffn, true);
            return 0;
        },
        fd_seek(fd) { return fd <= 2 ? ESPIPE : EBADF; },
        fd_write(fd, iovsAt, count, writtenAt) {
            if (fd !== 1 && fd !== 2) return EBADF;
            const v = view();
            let total = 0;
            for (let i = 0; i < count; i++) {
                const at = v.getUint32(iovsAt + 8 * i, true), len = v.getUint32(iovsAt + 8 * i + 4, true);
                total += fs.writeSync(fd, new Uint8Array(memory.buffer, at, len));
            }
            v.setUint32(writtenAt, total, true);
            return 0;
        },
        proc_exit(code) { throw new Exit(code); },
    };
    const instance = new WebAssembly.Instance(wasmModule, { wasi_snapshot_preview1: imports });
    memory = instance.exports.memory;
    try {
        instance.exports._start();
    } catch (e) {
        if (e instanceof Exit) return e.code;
        throw e;
    }
    return 0;
}

process.exitCode = mode === 'shim' ? runShim() : runBuiltin();
