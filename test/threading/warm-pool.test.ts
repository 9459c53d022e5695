// The warm pool (issue 10 item 12): pre-booted idle workers make Thread.start() fast, never keep
// the process alive, and change nothing in a Thread's Python semantics.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { currentThread, Event, Lock, Thread } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { warmWorkers } from '../../dist/threading/start-worker.js';
import { joinAll, since } from '../helpers/threading.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../fixtures/threading/warm-exit.mjs', import.meta.url));

describe('warm pool', () => {
  test('idle warm workers never keep the process alive, before or after the pool boots', async () => {
    for (const wait of ['0', '800']) {
      const start = performance.now();
      const { stdout } = await run(process.execPath, [script, wait], { timeout: 20_000 });
      const [, result, atStart, now] = /^result=(\d+) idleAtStart=(\d+) idleNow=(\d+)\n$/.exec(stdout) ?? [];
      expect(result).toBe('42');
      // The first thread starts cold; the pool boots once it has ended.
      expect(atStart).toBe('0');
      if (wait !== '0') expect(now).toBe('4');
      expect(since(start)).toBeLessThan(10_000);
    }
  });

  test('NOGIL_WARM_THREADS=0 turns the pool off', async () => {
    const { stdout } = await run(process.execPath, [script, '800'], {
      timeout: 20_000,
      env: { ...process.env, NOGIL_WARM_THREADS: '0' },
    });
    expect(stdout).toBe('result=42 idleAtStart=0 idleNow=0\n');
  });

  test('a thread started from the pool keeps every Thread semantic', async () => {
    new Thread({ target: () => {} }); // make sure the pool exists
    const deadline = performance.now() + 20_000;
    while (warmWorkers() === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(warmWorkers()).toBeGreaterThan(0);
    const lock = new Lock();
    const done = new Event();
    const threads = [true, false].map(
      (daemon, i) =>
        new Thread({
          name: `warm-${i}`,
          daemon,
          args: [lock, done],
          target: async (l: Lock, d: Event) => {
            const { currentThread: ct, getNativeId } = await import('nogil/threading');
            return {
              name: ct().name,
              daemon: ct().daemon,
              nativeId: getNativeId(),
              locked: l.locked(),
              set: d.isSet(),
            };
          },
        }),
    );
    const idleBefore = warmWorkers();
    for (const t of threads) t.start();
    expect(warmWorkers()).toBe(Math.max(0, idleBefore - 2)); // both came from the pool
    // Known as soon as start() returns (Linux), as in Python.
    const ids = threads.map((t) => t.nativeId);
    for (const id of ids) expect(id).toBeTypeOf('number');
    const results = (await joinAll(threads)) as { name: string; daemon: boolean; nativeId: number }[];
    expect(results).toEqual([
      { name: 'warm-0', daemon: true, nativeId: ids[0], locked: false, set: false },
      { name: 'warm-1', daemon: false, nativeId: ids[1], locked: false, set: false },
    ]);
    expect(currentThread().name).toBe('MainThread');
  });

  test('the pool grows to the most threads it has seen running at once', async () => {
    const burst = Array.from({ length: 6 }, () => new Thread({ target: () => {}, daemon: true }));
    for (const t of burst) t.start();
    await joinAll(burst);
    const deadline = performance.now() + 20_000;
    while (warmWorkers() < 6 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // 6, or a little more if threads of the previous test were still exiting (at most 16).
    expect(warmWorkers()).toBeGreaterThanOrEqual(6);
    expect(warmWorkers()).toBeLessThanOrEqual(16);
  });

  test('a start whose arguments cannot be cloned leaves the warm worker in the pool', async () => {
    new Thread({ target: () => {} });
    const deadline = performance.now() + 20_000;
    while (warmWorkers() === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const before = warmWorkers();
    const t = new Thread({ target: () => {}, args: [() => 'not cloneable'], daemon: true });
    expect(() => t.start()).toThrow(/could not be cloned/);
    expect(t.isAlive()).toBe(false);
    expect(warmWorkers()).toBe(before);
  });
});
