#!/usr/bin/env node
// Bundles the ThreadPoolExecutor worker (dist/futures/thread-worker.js and the modules it
// imports statically) into one CommonJS file, dist/futures/thread-worker.cjs, after tsc.
//
// Why: a fresh pool's first result waits for its worker to load this code. As ES modules that
// was a graph of five files, each a round trip through a fresh worker's ES module loader (about
// 0.5-1 ms a file, plus ~3 ms to start the loader itself), which made a new ThreadPoolExecutor
// 1.2-1.3x slower to its first result than a new piscina with a one-file worker. One CommonJS
// file is read and compiled synchronously by require(), with no ES module loader at all until a
// task needs one (a module task, or a result holding a shared primitive: the dynamic imports of
// shareable*.js and of task modules stay import(), so those load the package's one ESM copy).
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const dir = new URL('../dist/futures/', import.meta.url);
await build({
  input: fileURLToPath(new URL('thread-worker.js', dir)),
  platform: 'node',
  // Loaded on demand, as the package's ES modules (one copy of the shared-primitive registry).
  external: [/^node:/, /\/shareable(-kinds)?\.js$/],
  output: { file: fileURLToPath(new URL('thread-worker.cjs', dir)), format: 'cjs', exports: 'named', sourcemap: true },
  logLevel: 'warn',
});
