// Runs a WASI preview1 command under Node's WASI, the reference `slipstream run` is compared with.
//   usage: node node_wasi.mjs FILE.wasm [ARGS...]   (environment: SL_NODE_ENV, NAME=VALUE lines)
// The guest's argv is FILE.wasm and ARGS; its environment holds only the SL_NODE_ENV variables.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
const env = {};
for (const line of (process.env.SL_NODE_ENV || '').split('\n').filter(Boolean)) {
  const eq = line.indexOf('=');
  env[line.slice(0, eq)] = line.slice(eq + 1);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
