import { Worker } from 'node:worker_threads';
import { gcd, NativePool } from 'nogil/native';
import { describe, expect, it } from 'vitest';
import { runNode } from '../helpers/node-child.js';

const fixture = new URL('../fixtures/native/pool-worker.mjs', import.meta.url);

function start(mode: 'work' | 'hang', seed = 1): Worker {
  return new Worker(fixture, { workerData: { mode, seed } });
}

function firstMessage<T>(worker: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('context-aware addon: main thread and many worker_threads at once', () => {
  it('loads and works in 4 workers concurrently while the main thread uses it too', async () => {
    const workers = [1, 2, 3, 4].map((seed) => start('work', seed));
    const main = new NativePool({ threads: 2 });
    const [mine, ...theirs] = await Promise.all([
      Promise.all(Array.from({ length: 3000 }, (_, i) => main.submit('gcd', i, 12))),
      ...workers.map((w) => firstMessage<{ threadId: number; submits: number[]; mapped: number[]; race: number }>(w)),
    ]);
    await main.close();
    expect(mine).toEqual(Array.from({ length: 3000 }, (_, i) => gcd(i, 12)));
    theirs.forEach((result, k) => {
      const seed = k + 1;
      expect(result.submits).toEqual(Array.from({ length: 3000 }, (_, i) => gcd(i * seed, 12)));
      expect(result.mapped).toEqual([1, 10]);
      expect(result.race).toBe(2000);
    });
    expect(new Set(theirs.map((r) => r.threadId)).size).toBe(4);
    await Promise.all(workers.map((w) => w.terminate()));
  });

  it('terminating workers with native work in flight is clean, and the main thread carries on', async () => {
    for (let round = 0; round < 3; round++) {
      const workers = [1, 2, 3].map(() => start('hang'));
      await Promise.all(workers.map((w) => firstMessage(w)));
      const started = performance.now();
      await Promise.all(workers.map((w) => w.terminate()));
      // Native jobs poll the environment's cancel flag: teardown does not wait for them.
      expect(performance.now() - started).toBeLessThan(5_000);
    }
    const pool = new NativePool({ threads: 2 });
    expect(await pool.map('gcd', [[12, 18]])).toEqual([6]);
    await pool.close();
  });

  it('a process whose workers died mid-work still exits promptly and cleanly', async () => {
    const result = await runNode(
      `
      import { Worker } from 'node:worker_threads';
      const fixture = new URL('./test/fixtures/native/pool-worker.mjs', 'file://' + process.cwd() + '/');
      // execArgv: [] because this script runs with --input-type, which workers must not inherit.
      const workers = [0, 1, 2].map(() => new Worker(fixture, { workerData: { mode: 'hang', seed: 1 }, execArgv: [] }));
      await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
      await Promise.all(workers.map((w) => w.terminate()));
      const { NativePool } = await import('nogil/native');
      const pool = new NativePool({ threads: 2 });
      console.log(JSON.stringify(await pool.map('gcd', [[12, 18]])));
      await pool.close();
      `,
      { timeoutMs: 20_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('[6]');
  });
});

describe('event-loop liveness', () => {
  it('a process that only loaded the addon exits at once', async () => {
    const result = await runNode(
      `import { gcd, nativeLoadInfo } from 'nogil/native'; console.log(gcd(12, 18), nativeLoadInfo().from !== null);`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('6 true');
    // "At once": no handle keeps it alive (the 30 s default timeout would kill a hung one).
    expect(result.ms).toBeLessThan(10_000);
  });

  it('a process whose only work is an in-flight native promise stays alive until it settles', async () => {
    const result = await runNode(
      `import { NativePool } from 'nogil/native';
       const pool = new NativePool({ threads: 1 });
       pool.submit('sleep', 300).then(() => console.log('slept'));
       pool.close().then(() => console.log('closed'));`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['slept', 'closed']);
  });

  it('an unclosed pool does not keep the process alive once its work is done', async () => {
    const result = await runNode(
      `import { NativePool, counterRace } from 'nogil/native';
       const pool = new NativePool({ threads: 2 });
       console.log(await pool.submit('gcd', 12, 18), await counterRace({ threads: 2, increments: 10, locked: true }));`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('6 20');
  });
});
