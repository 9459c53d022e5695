// The thread pool's worker entry (thread-entry.cts): a worker that cannot load nogil's worker
// code (a broken install, a file a bundler left out) breaks the pool with BrokenThreadPool. It
// used to hang: piscina never runs a handler that throws while it loads, and a batch rejected
// before it reached the worker code was posted again, forever.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runNode } from '../helpers/node-child.js';

let dir: string;

beforeAll(() => {
  // Inside the repository's node_modules, so that the copy still resolves piscina.
  dir = mkdtempSync(join(repoRoot, 'node_modules', '.nogil-entry-'));
  for (const copy of ['throws', 'empty', 'undefined']) {
    cpSync(join(repoRoot, 'dist'), join(dir, copy), { recursive: true });
  }
  writeFileSync(join(dir, 'throws', 'futures', 'thread-worker.cjs'), 'throw new Error("worker file is broken");\n');
  writeFileSync(join(dir, 'empty', 'futures', 'thread-worker.cjs'), 'module.exports = {};\n');
  writeFileSync(join(dir, 'undefined', 'futures', 'thread-worker.cjs'), 'throw undefined;\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ThreadPoolExecutor: a worker that cannot load its code', () => {
  it.each(['throws', 'empty', 'undefined'])('breaks the pool instead of hanging (a worker file: %s)', async (copy) => {
    const futures = pathToFileURL(join(dir, copy, 'futures', 'index.js')).href;
    const result = await runNode(
      `
      const { ThreadPoolExecutor, BrokenThreadPool } = await import(${JSON.stringify(futures)});
      const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
      const fs = [ex.submit((x) => x, 1), ex.submit((x) => x, 2)];
      const out = await Promise.allSettled(fs);
      console.log(JSON.stringify(out.map((o) => [o.status, o.reason instanceof BrokenThreadPool, String(o.reason?.cause?.message)])));
      try { ex.submit((x) => x, 3); } catch (e) { console.log('submit after:', e.name); }
      await ex.shutdown();
      `,
      { timeoutMs: 20_000 },
    );
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(0);
    const [outcomes, after] = result.stdout.trim().split('\n');
    const why = {
      throws: 'worker file is broken',
      empty: 'thread-worker.cjs exports no batch runner',
      undefined: 'undefined',
    }[copy];
    expect(JSON.parse(outcomes as string)).toEqual([
      ['rejected', true, why],
      ['rejected', true, why],
    ]);
    expect(after).toBe('submit after: BrokenThreadPool');
  });
});
