// Task references: how a function to run on another thread is named and found again there.
//
// Two forms (a `Thread` target and an executor `fn`, see docs/python-to-nogil.md):
//   - a self-contained function, sent by source (`fn.toString()`) and compiled in the worker; it
//     must not use variables from its enclosing scope (pass them as arguments instead);
//   - `{ module, name }`: a module (file path, `file:`/`data:` URL, or bare package specifier)
//     and the name of its export (default: 'default'), imported in the worker.
// `toTaskRef` validates and normalises a target in the sending thread (so mistakes throw at the
// call site); `resolveTaskRef` (task-resolve.ts, re-exported here) turns the reference back into
// a function in the worker.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bodyOf } from './task-resolve.js';
import { invalidArgType, invalidArgValue } from './validate.js';

export { compileSource, resolveTaskRef } from './task-resolve.js';

/** A function, or a module export, to run on another thread. */
export type TaskTarget<F extends (...args: never[]) => unknown = (...args: never[]) => unknown> =
  | F
  | { readonly module: string | URL; readonly name?: string };

/** A `TaskTarget` in a form that structured clone carries. */
export type TaskRef =
  | { readonly kind: 'source'; readonly source: string; readonly wrap: 'expr' | 'method'; readonly name: string }
  | { readonly kind: 'module'; readonly url: string; readonly name: string };

const refs = new WeakMap<object, TaskRef>();

// Source forms `fn.toString()` yields: an expression (function, arrow, async, generator), or a
// method shorthand (`run() {}`) that is only valid inside an object literal.
function wrapOf(source: string): 'expr' | 'method' | undefined {
  for (const wrap of ['expr', 'method'] as const) {
    try {
      // Compiles without running: a syntax check in the sending thread.
      new Function(bodyOf(source, wrap));
      return wrap;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

const URL_LIKE = /^[a-zA-Z][a-zA-Z\d+.-]*:/;
const WINDOWS_DRIVE = /^[a-zA-Z]:[\\/]/;

/**
 * Resolves a module reference to what `import()` in a worker needs: URLs pass through, paths
 * (absolute, `./`/`../`-relative, or relative to the working directory when such a file exists)
 * become `file:` URLs, anything else is a bare package specifier.
 */
export function moduleSpecifier(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (URL_LIKE.test(module) && !WINDOWS_DRIVE.test(module)) return module;
  if (isAbsolute(module) || module.startsWith('./') || module.startsWith('../') || existsSync(module)) {
    return pathToFileURL(resolvePath(module)).href;
  }
  return module;
}

/** Validates a target and turns it into a `TaskRef` (cached per function). */
export function toTaskRef(target: unknown, argName = 'target'): TaskRef {
  if (typeof target === 'function') {
    const cached = refs.get(target);
    if (cached) return cached;
    const source = Function.prototype.toString.call(target);
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
      throw invalidArgValue(
        argName,
        target,
        'must be a self-contained function (native and bound functions cannot be sent by source); ' +
          'use { module, name } instead',
      );
    }
    if (/^class[\s{]/.test(source)) {
      throw invalidArgValue(argName, target, 'must be a function, not a class');
    }
    const wrap = wrapOf(source);
    if (!wrap) throw invalidArgValue(argName, target, 'could not be sent by source');
    const ref: TaskRef = { kind: 'source', source, wrap, name: target.name || '<anonymous>' };
    refs.set(target, ref);
    return ref;
  }
  if (target !== null && typeof target === 'object' && 'module' in target) {
    const { module, name = 'default' } = target as { module: unknown; name?: unknown };
    if (typeof module !== 'string' && !(module instanceof URL)) {
      throw invalidArgType(`${argName}.module`, 'of type string or an instance of URL', module);
    }
    if (typeof name !== 'string') throw invalidArgType(`${argName}.name`, 'of type string', name);
    return { kind: 'module', url: moduleSpecifier(module), name };
  }
  throw invalidArgType(argName, 'a function or an object like { module, name }', target);
}

/**
 * `process.execArgv` minus the flags a worker thread or a forked child must not inherit
 * (`--input-type`, `-e`/`--eval`, `-p`/`--print` and their values). For child processes.
 */
export function childExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print' || a === '--input-type') {
      i++;
      continue;
    }
    if (/^(--eval|--print|--input-type)=/.test(a)) continue;
    out.push(a);
  }
  return out;
}

/**
 * The `execArgv` for a worker thread: {@link childExecArgv}, minus the flags a Worker refuses
 * (V8 and process-wide options such as `--expose-gc` or `--max-old-space-size`: `new Worker`
 * throws ERR_WORKER_INVALID_EXEC_ARGV for them, although it drops them silently when it
 * inherits). A child process takes those flags: use childExecArgv for `fork`.
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out = childExecArgv(argv);
  if (argv !== process.execArgv) return out;
  acceptedByWorkers ??= withoutRefused(out);
  return [...acceptedByWorkers];
}

let acceptedByWorkers: string[] | undefined;

// Asks Node which flags a Worker refuses, without starting a thread: the flags are checked when
// the Worker's handle is made, and an uncloneable `workerData` then fails before the thread
// starts. The error names the refused flags.
function withoutRefused(flags: string[]): string[] {
  let kept = flags;
  for (let attempt = 0; attempt < 4 && kept.length > 0; attempt++) {
    try {
      new Worker('', { eval: true, execArgv: kept, workerData: Symbol('probe') });
      return kept; // not reached: the workerData cannot be cloned
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return kept;
      const refused = new Set(
        String((error as Error).message)
          .replace(/^.*flags:\s*/, '')
          .split(/,\s*/),
      );
      kept = kept.filter((flag) => !refused.has(flag));
    }
  }
  return kept;
}
