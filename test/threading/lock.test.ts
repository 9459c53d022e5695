import { Worker } from 'node:worker_threads';
import { Event, Lock, RuntimeError, TIMEOUT_MAX, Value, ValueError } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { encodeShared } from '../../dist/internal/shareable.js';
import { fixture, joinAll, since, sleep, spawn } from '../helpers/threading.js';
import { captureWarnings } from '../helpers/warnings.js';

describe('Lock (Python semantics)', () => {
  test('starts unlocked; acquire locks it; release unlocks it', async () => {
    const lock = new Lock();
    expect(lock.locked()).toBe(false);
    expect(await lock.acquire()).toBe(true);
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(lock.locked()).toBe(false);
  });

  test('a non-blocking acquire of a held lock returns false at once', async () => {
    const lock = new Lock();
    await lock.acquire();
    const start = performance.now();
    expect(await lock.acquire({ blocking: false })).toBe(false);
    expect(await lock.acquire({ timeout: 0 })).toBe(false);
    expect(since(start)).toBeLessThan(50);
    lock.release();
    expect(await lock.acquire({ blocking: false })).toBe(true);
    lock.release();
  });

  test('releasing an unlocked lock is a RuntimeError', () => {
    const lock = new Lock();
    expect(() => lock.release()).toThrow(RuntimeError);
    expect(() => lock.release()).toThrow('release unlocked lock');
  });

  test("Python's ValueError cases reject: blocking: false with a timeout, a negative timeout", async () => {
    const lock = new Lock();
    await expect(lock.acquire({ blocking: false, timeout: 1 })).rejects.toThrow(ValueError);
    await expect(lock.acquire({ timeout: -2 })).rejects.toThrow(ValueError);
    await expect(lock.acquire({ timeout: -0.5 })).rejects.toThrow('timeout value must be a non-negative number');
    await expect(lock.acquire({ timeout: Number.NaN })).rejects.toThrow(ValueError);
    await expect(lock.acquire({ timeout: '1' as unknown as number })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(lock.acquire({ timeout: TIMEOUT_MAX * 2 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    expect(lock.locked()).toBe(false);
  });

  test('timeout -1 (the default) waits without limit; TIMEOUT_MAX is accepted', async () => {
    const lock = new Lock();
    expect(await lock.acquire({ timeout: TIMEOUT_MAX })).toBe(true);
    setTimeout(() => lock.release(), 30);
    expect(await lock.acquire({ timeout: -1 })).toBe(true);
    lock.release();
  });

  test('a timed acquire gives up after the timeout (within 50 ms)', async () => {
    const lock = new Lock();
    await lock.acquire();
    const start = performance.now();
    expect(await lock.acquire({ timeout: 100 })).toBe(false);
    const took = since(start);
    expect(took).toBeGreaterThanOrEqual(99);
    expect(took).toBeLessThan(150);
    lock.release();
  });

  test('acquireSync always throws RuntimeError on the main thread, even on a free lock', () => {
    const lock = new Lock();
    expect(() => lock.acquireSync()).toThrow(RuntimeError);
    expect(() => lock.acquireSync({ blocking: false })).toThrow(/main thread/);
    expect(lock.locked()).toBe(false);
  });
});

describe('Lock between async tasks on the main thread', () => {
  test('only one task at a time is inside, across awaits', async () => {
    const lock = new Lock();
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    const task = async (id: number): Promise<void> => {
      for (let round = 0; round < 5; round++) {
        await lock.acquire();
        try {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(1);
          order.push(id);
          inside--;
        } finally {
          lock.release();
        }
      }
    };
    await Promise.all([1, 2, 3, 4].map(task));
    expect(maxInside).toBe(1);
    expect(order).toHaveLength(20);
  });

  test('a waiting task is woken by release and the wait does not block the event loop', async () => {
    const lock = new Lock();
    await lock.acquire();
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    const waiter = lock.acquire();
    await sleep(60);
    expect(ticks).toBeGreaterThan(3);
    lock.release();
    expect(await waiter).toBe(true);
    clearInterval(interval);
    lock.release();
  });
});

describe('Lock between the main thread and a worker', () => {
  test('a worker blocks on a lock the main thread holds until it is released', async () => {
    const lock = new Lock();
    const ready = new Event();
    await lock.acquire();
    const t = spawn({
      target: (l: Lock, r: Event) => {
        const tried = l.acquireSync({ timeout: 20 });
        r.set();
        const start = Date.now();
        l.acquireSync();
        const waited = Date.now() - start;
        l.release();
        return { tried, waited };
      },
      args: [lock, ready],
    });
    await ready.wait();
    await sleep(100);
    lock.release();
    const [result] = (await joinAll([t])) as [{ tried: boolean; waited: number }];
    expect(result.tried).toBe(false);
    expect(result.waited).toBeGreaterThanOrEqual(80);
  });

  test('the main thread waits (async) for a lock a worker holds; any thread may release a Lock', async () => {
    const lock = new Lock();
    const held = new Event();
    const t = spawn({ target: fixture('holdAndDie'), args: [lock, held, 'return'] });
    await held.wait();
    await joinAll([t]);
    // The worker returned while holding it: still locked (Python semantics) until released here.
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(await lock.acquire({ blocking: false })).toBe(true);
    lock.release();
  });
});

describe('Lock between workers', () => {
  test('two workers increment a Value under the lock without losing an update', async () => {
    const lock = new Lock();
    const value = new Value('i', 0);
    const threads = [
      spawn({ target: fixture('lockedIncrements'), args: [lock, value, 20_000] }),
      spawn({ target: fixture('lockedIncrementsAsync'), args: [lock, value, 20_000] }),
    ];
    await joinAll(threads);
    expect(value.value).toBe(40_000);
  });

  test('a lock nested in arrays and objects arrives as the same lock', async () => {
    const lock = new Lock();
    const t = spawn({
      target: (box: { deep: Lock[] }) => {
        // (typed as the argument is inferred: an array of locks)
        box.deep[0]!.acquireSync();
        return 'held';
      },
      args: [{ deep: [lock] }],
    });
    expect(await joinAll([t])).toEqual(['held']);
    // The thread finished (not died) holding it: still held, as in Python; any thread may release.
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(lock.abandoned).toBe(0);
  });
});

describe('a thread that dies holding a Lock does not deadlock the others', () => {
  for (const how of ['exit', 'uncaught'] as const) {
    test(`holder dies by ${how === 'exit' ? 'process.exit()' : 'an uncaught error'}: the next acquirer takes the lock over`, async () => {
      const capture = captureWarnings();
      const lock = new Lock();
      const held = new Event();
      const t = spawn({ target: fixture('holdAndDie'), args: [lock, held, how] });
      await held.wait();
      const start = performance.now();
      expect(await lock.acquire({ timeout: 5_000 })).toBe(true);
      expect(since(start)).toBeLessThan(2_000);
      expect(lock.abandoned).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      capture.stop();
      // (Warned once per kind and process: the first of these tests sees it.)
      for (const w of capture.warnings) expect((w as Error & { code?: string }).code).toBe('NOGIL_ABANDONED_LOCK');
      lock.release();
      await t.join(5_000);
      expect(t.isAlive()).toBe(false);
      expect(t.error).toBeInstanceOf(Error);
    });
  }

  for (const how of ['throw', 'return'] as const) {
    test(`holder finishes (target ${how}s): the lock stays held, as in Python`, async () => {
      const lock = new Lock();
      const held = new Event();
      const t = spawn({ target: fixture('holdAndDie'), args: [lock, held, how] });
      await held.wait();
      await t.join();
      await sleep(150); // let the worker exit completely
      expect(await lock.acquire({ timeout: 150 })).toBe(false);
      expect(lock.locked()).toBe(true);
      expect(lock.abandoned).toBe(0);
      lock.release();
    });
  }

  test('a plain worker (not started by nogil) terminated while holding it is detected too', async () => {
    const lock = new Lock();
    const dist = new URL('../../dist/', import.meta.url).href;
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       (async () => {
         await import('${dist}threading/index.js');
         const { decodeShared } = await import('${dist}internal/shareable.js');
         const [lock] = decodeShared(workerData);
         lock.acquireSync();
         parentPort.postMessage('held');
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
       })();`,
      { eval: true, workerData: encodeShared([lock]) },
    );
    await new Promise((resolve) => worker.once('message', resolve));
    expect(await lock.acquire({ timeout: 150 })).toBe(false);
    await worker.terminate();
    const start = performance.now();
    expect(await lock.acquire({ timeout: 5_000 })).toBe(true);
    expect(since(start)).toBeLessThan(1_000);
    expect(lock.abandoned).toBe(1);
    lock.release();
  });
});
