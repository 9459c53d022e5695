// The worker side of task references (see task-ref.ts): turns a TaskRef back into a function.
// Kept apart from task-ref.ts, which validates targets in the sending thread, so that a worker
// loads only this (and errors.ts): every module and builtin a worker loads before its first task
// adds to a fresh pool's time to its first result (the thread pool's worker bundles this into one
// CommonJS file; a process child and a Thread load it as an ES module, ~0.5-1 ms per file).
import { withCode } from './errors.js';
import type { TaskRef } from './task-ref.js';

/** The body of a function that returns the function `source` (in its `wrap` form). */
export function bodyOf(source: string, wrap: 'expr' | 'method'): string {
  return wrap === 'expr' ? `return (${source}\n);` : `return Object.values({ ${source}\n })[0];`;
}

/**
 * Helpers that bundlers and test runners (esbuild's keepNames, Vite/vitest SSR) insert into
 * function bodies; a function sent by source carries those references into the worker, so
 * define harmless equivalents there.
 */
export function installSourceShims(): void {
  const g = globalThis as Record<string, unknown>;
  const define = (name: string, value: unknown): void => {
    if (!(name in g)) Object.defineProperty(g, name, { value, writable: true, configurable: true });
  };
  define('__name', (fn: unknown, value: string) => {
    if (typeof fn === 'function') Object.defineProperty(fn, 'name', { value, configurable: true });
    return fn;
  });
  // Vite's SSR transform rewrites `import(x)` to this helper, with ids that are root-relative
  // ('/dist/x.js', the root being the working directory) or '/@fs/<absolute path>'.
  // (The builtins are loaded at the first call: only Vite-transformed sources make one.)
  define('__vite_ssr_dynamic_import__', async (specifier: string) => {
    const [{ existsSync }, { resolve: resolvePath }, { pathToFileURL }] = await Promise.all([
      import('node:fs'),
      import('node:path'),
      import('node:url'),
    ]);
    let target = specifier;
    if (target.startsWith('/@fs/')) target = pathToFileURL(target.slice(4)).href;
    else if (target.startsWith('/') && !existsSync(target)) {
      const local = resolvePath(process.cwd(), `.${target}`);
      if (existsSync(local)) target = pathToFileURL(local).href;
    }
    return import(target);
  });
  define('__vite_ssr_import_meta__', { url: import.meta.url });
}

/** Compiles a function sent by source (synchronously). */
export function compileSource(ref: Extract<TaskRef, { kind: 'source' }>): (...args: unknown[]) => unknown {
  installSourceShims();
  const fn = new Function(bodyOf(ref.source, ref.wrap))() as unknown;
  if (typeof fn !== 'function') {
    throw withCode(
      new TypeError(`task source for ${ref.name} did not evaluate to a function`),
      'ERR_INVALID_ARG_VALUE',
    );
  }
  return fn as (...args: unknown[]) => unknown;
}

const resolved = new Map<string, (...args: unknown[]) => unknown>();

/** The function a `TaskRef` names, in this thread (imports the module when needed; cached). */
export async function resolveTaskRef(ref: TaskRef): Promise<(...args: unknown[]) => unknown> {
  const key = ref.kind === 'source' ? `s:${ref.wrap}:${ref.source}` : `m:${ref.url}#${ref.name}`;
  const hit = resolved.get(key);
  if (hit) return hit;
  let fn: unknown;
  if (ref.kind === 'source') {
    fn = compileSource(ref);
  } else {
    const mod = (await import(ref.url)) as Record<string, unknown>;
    fn = mod[ref.name];
    if (typeof fn !== 'function') {
      throw withCode(
        new TypeError(`${ref.url} has no exported function named '${ref.name}' (found ${typeof fn})`),
        'ERR_INVALID_ARG_VALUE',
      );
    }
  }
  resolved.set(key, fn as (...args: unknown[]) => unknown);
  return fn as (...args: unknown[]) => unknown;
}
