import { Barrier, BrokenBarrierError, RuntimeError, ValueError } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { joinAll, since, sleep, spawn } from '../helpers/threading.js';

describe('Barrier (Python semantics)', () => {
  test('parties must be >= 1; getters start as Python says', () => {
    expect(() => new Barrier(0)).toThrow(ValueError);
    const b = new Barrier(3);
    expect(b.parties).toBe(3);
    expect(b.nWaiting).toBe(0);
    expect(b.broken).toBe(false);
    expect(() => b.waitSync()).toThrow(RuntimeError);
    expect(new BrokenBarrierError()).toBeInstanceOf(RuntimeError);
  });

  test('async tasks pass together, get indices 0..parties-1, and the barrier is reusable', async () => {
    let actions = 0;
    const b = new Barrier(3, { action: () => actions++ });
    for (let cycle = 0; cycle < 2; cycle++) {
      const first = b.wait();
      const second = b.wait();
      await sleep(10);
      expect(b.nWaiting).toBe(2);
      const indices = await Promise.all([first, second, b.wait()]);
      expect(indices.sort()).toEqual([0, 1, 2]);
      expect(b.nWaiting).toBe(0);
    }
    expect(actions).toBe(2);
  });

  test('a wait that times out breaks the barrier for every waiter (within 50 ms)', async () => {
    const b = new Barrier(3);
    const start = performance.now();
    const other = b.wait(); // no timeout of its own
    await expect(b.wait(80)).rejects.toThrow(BrokenBarrierError);
    expect(since(start)).toBeLessThan(130);
    await expect(other).rejects.toThrow(BrokenBarrierError);
    expect(b.broken).toBe(true);
    await expect(b.wait()).rejects.toThrow(BrokenBarrierError);
    b.reset();
    expect(b.broken).toBe(false);
    const both = Promise.all([b.wait(1_000), b.wait(1_000), b.wait(1_000)]);
    expect((await both).sort()).toEqual([0, 1, 2]);
  });

  test('the constructor timeout is the default of wait()', async () => {
    const b = new Barrier(2, { timeout: 50 });
    await expect(b.wait()).rejects.toThrow(BrokenBarrierError);
  });

  test('abort() and reset() while tasks wait raise BrokenBarrierError in each of them', async () => {
    const b = new Barrier(3);
    const waiters = [b.wait(), b.wait()];
    await sleep(10);
    b.abort();
    for (const w of waiters) await expect(w).rejects.toThrow(BrokenBarrierError);
    expect(b.broken).toBe(true);

    const c = new Barrier(3);
    const resetWaiters = [c.wait(), c.wait()];
    await sleep(10);
    c.reset();
    for (const w of resetWaiters) await expect(w).rejects.toThrow(BrokenBarrierError);
    expect(c.broken).toBe(false);
    expect((await Promise.all([c.wait(), c.wait(), c.wait()])).sort()).toEqual([0, 1, 2]);
  });

  test('an action that throws breaks the barrier; the last arrival gets its error', async () => {
    const b = new Barrier(2, {
      action: () => {
        throw new TypeError('action failed');
      },
    });
    const first = b.wait();
    await expect(b.wait()).rejects.toThrow('action failed');
    await expect(first).rejects.toThrow(BrokenBarrierError);
  });
});

describe('Barrier between the main thread and workers', () => {
  test('three workers and the main thread pass together; the last arrival runs the action', async () => {
    let actions = 0;
    const b = new Barrier(4, { action: () => actions++ });
    const body = (bar: Barrier) => bar.waitSync(10_000);
    const threads = [1, 2, 3].map(() => spawn({ target: body, args: [b] }));
    while (b.nWaiting < 3) await sleep(2);
    const mine = await b.wait(10_000); // last: runs the action here, with its closure
    const indices = [mine, ...((await joinAll(threads)) as number[])];
    expect(indices.sort()).toEqual([0, 1, 2, 3]);
    expect(actions).toBe(1);
  });

  test('an action runs on a worker when a worker arrives last (sent by source)', async () => {
    const b = new Barrier(2, {
      action: () => {
        throw new Error(`action ran on ${require('node:worker_threads').isMainThread ? 'main' : 'a worker'}`);
      },
    });
    const mine = b.wait(10_000).catch((e: Error) => e.name);
    const t = spawn({
      target: (bar: Barrier) => {
        try {
          bar.waitSync(10_000);
          return 'passed';
        } catch (e) {
          return (e as Error).message;
        }
      },
      args: [b],
    });
    const [message] = (await joinAll([t])) as [string];
    // `require` is not defined in the worker's ESM scope either: either way the action ran there.
    expect(message).toMatch(/action ran on a worker|require is not defined/);
    expect(await mine).toBe('BrokenBarrierError');
  });

  test('workers waiting at a barrier get BrokenBarrierError on abort from the main thread', async () => {
    const b = new Barrier(3);
    const body = (bar: Barrier) => {
      try {
        bar.waitSync(10_000);
        return 'passed';
      } catch (e) {
        return (e as Error).name;
      }
    };
    const threads = [spawn({ target: body, args: [b] }), spawn({ target: body, args: [b] })];
    while (b.nWaiting < 2) await sleep(2);
    b.abort();
    expect(await joinAll(threads)).toEqual(['BrokenBarrierError', 'BrokenBarrierError']);
  });
});

describe('Barrier between workers', () => {
  test('a timeout in one worker breaks the barrier for the other', async () => {
    const b = new Barrier(3);
    const body = (bar: Barrier, timeout: number) => {
      try {
        bar.waitSync(timeout);
        return 'passed';
      } catch (e) {
        return (e as Error).name;
      }
    };
    const threads = [spawn({ target: body, args: [b, 10_000] }), spawn({ target: body, args: [b, 100] })];
    expect(await joinAll(threads)).toEqual(['BrokenBarrierError', 'BrokenBarrierError']);
    expect(b.broken).toBe(true);
  });
});
