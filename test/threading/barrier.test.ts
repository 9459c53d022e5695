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
    const g = globalThis as { barrierActions?: number };
    g.barrierActions = 0;
    // Self-contained: a shared barrier's action is compiled from source on every thread.
    const b = new Barrier(4, {
      action: () => {
        const h = globalThis as { barrierActions?: number };
        h.barrierActions = (h.barrierActions ?? 0) + 1;
      },
    });
    const body = (bar: Barrier) => bar.waitSync(10_000);
    const threads = [1, 2, 3].map(() => spawn({ target: body, args: [b] }));
    while (b.nWaiting < 3) await sleep(2);
    const mine = await b.wait(10_000); // last: runs the action here
    const indices = [mine, ...((await joinAll(threads)) as number[])];
    expect(indices.sort()).toEqual([0, 1, 2, 3]);
    expect(g.barrierActions).toBe(1);
  });

  test('an action runs on a worker when a worker arrives last (sent by source)', async () => {
    (globalThis as { barrierMarker?: string }).barrierMarker = 'main';
    const b = new Barrier(2, {
      action: () => {
        throw new Error(`action ran on ${(globalThis as { barrierMarker?: string }).barrierMarker ?? 'a worker'}`);
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
    expect(message).toBe('action ran on a worker');
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

describe('Barrier parties that die (never hung, every wait honours its timeout)', () => {
  // A worker party that dies (process.exit) while it waits at the barrier.
  const dieWhileWaiting = async (bar: Barrier, waiting: { set(): void }): Promise<void> => {
    const arrived = bar.wait(60_000);
    waiting.set();
    setTimeout(() => process.exit(3), 20);
    await arrived;
  };

  test('a party that dies while waiting breaks the barrier for the others', async () => {
    const { Event } = await import('nogil/threading');
    for (let round = 0; round < 3; round++) {
      const b = new Barrier(3);
      const waiting = new Event();
      const t = spawn({ target: dieWhileWaiting, args: [b, waiting] });
      await waiting.wait(10_000);
      const start = performance.now();
      await expect(b.wait(20_000)).rejects.toThrow(BrokenBarrierError);
      expect(since(start)).toBeLessThan(5_000);
      expect(b.broken).toBe(true);
      await t.join(10_000);
      expect((t.error as Error).message).toMatch(/exited with code 3/);
      // The dead party no longer counts: after reset() the barrier is whole again; a lone
      // wait times out on time instead of hanging, and three live parties pass together.
      b.reset();
      const lone = performance.now();
      await expect(b.wait(200)).rejects.toThrow(BrokenBarrierError);
      expect(since(lone)).toBeLessThan(2_000);
      b.reset();
      expect((await Promise.all([b.wait(5_000), b.wait(5_000), b.wait(5_000)])).sort()).toEqual([0, 1, 2]);
    }
  });

  test('a dead party never lets the next cycle through with too few live parties', async () => {
    const { Event } = await import('nogil/threading');
    const b = new Barrier(3);
    const waiting = new Event();
    const t = spawn({ target: dieWhileWaiting, args: [b, waiting] });
    await waiting.wait(10_000);
    await t.join(10_000);
    // Two live parties: with the dead one counted they would pass; they must not.
    const both = Promise.allSettled([b.wait(20_000), b.wait(20_000)]);
    const outcomes = await both;
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(b.broken).toBe(true);
  });

  test('an action that kills its worker breaks the barrier; the others do not hang', async () => {
    const b = new Barrier(2, { action: () => process.exit(4) });
    const start = performance.now();
    const mine = b.wait(20_000); // first: the worker arrives last and runs the action
    const t = spawn({ target: (bar: Barrier) => bar.waitSync(20_000), args: [b] });
    await expect(mine).rejects.toThrow(BrokenBarrierError);
    expect(since(start)).toBeLessThan(5_000);
    expect(b.broken).toBe(true);
    await t.join(10_000);
    expect((t.error as Error).message).toMatch(/exited with code 4/);
  });

  test('a wait honours its timeout while a slow action runs (the barrier breaks)', async () => {
    const b = new Barrier(2, { action: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_500) });
    const start = performance.now();
    const mine = b.wait(300); // first: the worker arrives last and runs the slow action
    const t = spawn({
      target: (bar: Barrier) => {
        try {
          bar.waitSync(20_000);
          return 'passed';
        } catch (e) {
          return (e as Error).name;
        }
      },
      args: [b],
    });
    await expect(mine).rejects.toThrow(BrokenBarrierError);
    expect(since(start)).toBeLessThan(1_300);
    expect(b.broken).toBe(true);
    // The action's thread learns it when the action returns.
    expect(await joinAll([t])).toEqual(['BrokenBarrierError']);
  });
});

describe('Barrier action: which thread runs it, deterministically', () => {
  const capturing = (): Barrier => {
    const label = 'captured';
    return new Barrier(2, { action: () => label.length });
  };

  test.each(['main', 'worker'])(
    'an action that uses its enclosing scope fails the same way when the %s thread arrives last',
    async (last) => {
      const b = capturing();
      const body = (bar: Barrier) => {
        try {
          bar.waitSync(20_000);
          return 'passed';
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      };
      let mine: Promise<string>;
      let t: ReturnType<typeof spawn>;
      const outcome = (p: Promise<number>): Promise<string> =>
        p.then(
          () => 'passed',
          (e: Error) => `${e.name}: ${e.message}`,
        );
      if (last === 'main') {
        t = spawn({ target: body, args: [b] });
        while (b.nWaiting < 1) await sleep(2);
        mine = outcome(b.wait(20_000));
      } else {
        mine = outcome(b.wait(20_000));
        t = spawn({ target: body, args: [b] });
      }
      const [theirs] = (await joinAll([t])) as [string];
      const results = [await mine, theirs];
      const lastOne = last === 'main' ? results[0]! : results[1]!;
      const other = last === 'main' ? results[1]! : results[0]!;
      expect(lastOne).toMatch(/^ReferenceError: Barrier action uses `label`/);
      expect(other).toMatch(/^BrokenBarrierError/);
    },
  );
});
