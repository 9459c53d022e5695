import { Condition, Lock, RLock, RuntimeError } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { joinAll, repeat, since, sleep, spawn } from '../helpers/threading.js';

// Waits (polling) until `check()` is true; fails after `ms`.
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (since(start) > ms) throw new Error('condition not reached in time');
    await sleep(2);
  }
}

describe('Condition (Python semantics)', () => {
  test('its default lock is an RLock; a given Lock is used', () => {
    expect(new Condition().lock).toBeInstanceOf(RLock);
    const lock = new Lock();
    expect(new Condition(lock).lock).toBe(lock);
    expect(() => new Condition({} as Lock)).toThrow(TypeError);
  });

  test('wait and notify without holding the lock are RuntimeErrors', async () => {
    const cond = new Condition();
    await expect(cond.wait()).rejects.toThrow(RuntimeError);
    await expect(cond.wait()).rejects.toThrow('cannot wait on un-acquired lock');
    expect(() => cond.notify()).toThrow('cannot notify on un-acquired lock');
    expect(() => cond.notifyAll()).toThrow(RuntimeError);
    expect(() => cond.waitSync()).toThrow(RuntimeError); // main thread
  });

  test('wait(timeout) resolves false after the timeout and holds the lock again', async () => {
    const cond = new Condition(new Lock());
    await cond.acquire();
    const start = performance.now();
    expect(await cond.wait(80)).toBe(false);
    const took = since(start);
    expect(took).toBeGreaterThanOrEqual(79);
    expect(took).toBeLessThan(130);
    expect(cond.lock.locked()).toBe(true);
    expect(await cond.wait(0)).toBe(false);
    expect(await cond.wait(-5)).toBe(false); // negative: no wait, as in Python
    cond.release();
  });

  test('waitFor returns the predicate value, or its falsy value on timeout', async () => {
    const cond = new Condition();
    await cond.acquire();
    expect(await cond.waitFor(() => 'ready')).toBe('ready');
    expect(await cond.waitFor(() => 0, 30)).toBe(0);
    cond.release();
  });
});

describe('Condition between async tasks on the main thread', () => {
  test('notify(n) wakes exactly n waiters, oldest first; notifyAll wakes the rest', async () => {
    const cond = new Condition(new Lock());
    const woke: number[] = [];
    const waiter = async (id: number): Promise<void> => {
      await cond.acquire();
      try {
        if (await cond.wait(10_000)) woke.push(id);
      } finally {
        cond.release();
      }
    };
    const all = [1, 2, 3, 4, 5].map(waiter);
    await sleep(20);
    await cond.acquire();
    cond.notify(2);
    cond.release();
    await sleep(50);
    expect(woke).toEqual([1, 2]);
    await cond.acquire();
    cond.notifyAll();
    cond.release();
    await Promise.all(all);
    expect(woke.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  test('a notify is not stolen by a task that starts waiting after it', async () => {
    const cond = new Condition(new Lock());
    await cond.acquire();
    const first = cond.wait(5_000).then((r) => {
      cond.release();
      return r;
    });
    // Let `first` register and release the lock, then notify and wait ourselves at once.
    await cond.acquire();
    cond.notify();
    const second = await cond.wait(50);
    cond.release();
    expect(second).toBe(false);
    expect(await first).toBe(true);
  });

  test('producer/consumer with waitFor (a Lock: between async tasks, as API detail 3 says)', async () => {
    const cond = new Condition(new Lock());
    const items: number[] = [];
    const got: number[] = [];
    const consumer = async (): Promise<void> => {
      for (;;) {
        await cond.acquire();
        try {
          await cond.waitFor(() => items.length > 0);
          const item = items.shift()!;
          if (item < 0) return;
          got.push(item);
        } finally {
          cond.release();
        }
      }
    };
    const consumers = [consumer(), consumer()];
    for (let i = 0; i < 200; i++) {
      await cond.acquire();
      items.push(i);
      cond.notify();
      cond.release();
      if (i % 10 === 0) await sleep(0);
    }
    await cond.acquire();
    items.push(-1, -1);
    cond.notifyAll();
    cond.release();
    await Promise.all(consumers);
    expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});

describe('Condition between the main thread and workers', () => {
  test('notify(2) wakes exactly two blocked workers', async () => {
    const cond = new Condition();
    const stats = new Int32Array(new SharedArrayBuffer(12)); // [registered, woken, timedOut]
    const waiter = (c: Condition, s: Int32Array) => {
      c.acquireSync();
      Atomics.add(s, 0, 1);
      const notified = c.waitSync(10_000);
      Atomics.add(s, notified ? 1 : 2, 1);
      c.release();
      return notified;
    };
    const threads = [1, 2, 3, 4, 5].map(() => spawn({ target: waiter, args: [cond, stats] }));
    // Everyone registered once the count is 5 while we hold the lock (they count under it).
    for (;;) {
      await cond.acquire();
      if (Atomics.load(stats, 0) === 5) break;
      cond.release();
      await sleep(5);
    }
    cond.notify(2);
    cond.release();
    await until(() => Atomics.load(stats, 1) === 2);
    await sleep(100);
    expect(Atomics.load(stats, 1)).toBe(2);
    await cond.acquire();
    cond.notifyAll();
    cond.release();
    expect(await joinAll(threads)).toEqual([true, true, true, true, true]);
  });

  test('a worker notifies the main thread', async () => {
    const cond = new Condition(new Lock());
    const box = new Int32Array(new SharedArrayBuffer(4));
    await cond.acquire();
    const t = spawn({
      target: (c: Condition, b: Int32Array) => {
        c.acquireSync();
        Atomics.store(b, 0, 42);
        c.notify();
        c.release();
      },
      args: [cond, box],
    });
    expect(await cond.waitFor(() => Atomics.load(box, 0) === 42, 10_000)).toBe(true);
    cond.release();
    await joinAll([t]);
  });
});

describe('Condition between workers', () => {
  test('stress: producers and consumers with waitFor move every item exactly once', async () => {
    await repeat(3, async () => {
      const cond = new Condition();
      // [head, tail, ring of 16 slots...] guarded by cond; items 1..N per producer.
      const ring = new Int32Array(new SharedArrayBuffer(4 * 18));
      const seen = new Int32Array(new SharedArrayBuffer(4 * 4_001));
      const producer = (c: Condition, r: Int32Array, from: number, n: number) => {
        for (let i = from; i < from + n; i++) {
          c.acquireSync();
          c.waitForSync(() => r[1]! - r[0]! < 16);
          r[2 + (r[1]! % 16)] = i;
          r[1] = r[1]! + 1;
          c.notifyAll();
          c.release();
        }
      };
      const consumer = (c: Condition, r: Int32Array, s: Int32Array) => {
        let count = 0;
        for (;;) {
          c.acquireSync();
          c.waitForSync(() => r[1]! > r[0]!);
          const item = r[2 + (r[0]! % 16)]!;
          r[0] = r[0]! + 1;
          c.notifyAll();
          c.release();
          if (item === 0) return count;
          Atomics.add(s, item, 1);
          count++;
        }
      };
      const threads = [
        spawn({ target: producer, args: [cond, ring, 1, 2_000] }),
        spawn({ target: producer, args: [cond, ring, 2_001, 2_000] }),
        spawn({ target: consumer, args: [cond, ring, seen] }),
        spawn({ target: consumer, args: [cond, ring, seen] }),
      ];
      await joinAll(threads.slice(0, 2));
      await cond.acquire();
      await cond.waitFor(() => ring[1]! - ring[0]! <= 14);
      ring[2 + (ring[1]! % 16)] = 0;
      ring[2 + ((ring[1]! + 1) % 16)] = 0;
      ring[1] = ring[1]! + 2;
      cond.notifyAll();
      cond.release();
      const counts = (await joinAll(threads.slice(2))) as number[];
      expect(counts[0]! + counts[1]!).toBe(4_000);
      for (let i = 1; i <= 4_000; i++) expect(seen[i]).toBe(1);
    });
  }, 60_000);
});
