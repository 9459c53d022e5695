import { Barrier, BoundedSemaphore, Event, RuntimeError, Semaphore, ValueError } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { fixture, joinAll, repeat, since, sleep, spawn } from '../helpers/threading.js';

describe('Semaphore (Python semantics)', () => {
  test('counts down on acquire and up on release; a non-blocking acquire at 0 fails', async () => {
    const sem = new Semaphore(2);
    expect(await sem.acquire()).toBe(true);
    expect(await sem.acquire()).toBe(true);
    expect(await sem.acquire({ blocking: false })).toBe(false);
    sem.release();
    expect(await sem.acquire({ blocking: false })).toBe(true);
    sem.release(2);
    expect(await sem.acquire({ blocking: false })).toBe(true);
    expect(await sem.acquire({ blocking: false })).toBe(true);
    expect(await sem.acquire({ blocking: false })).toBe(false);
  });

  test('the default value is 1; Semaphore(-1) and release(0) are ValueErrors', () => {
    expect(() => new Semaphore(-1)).toThrow(ValueError);
    expect(() => new Semaphore(-1)).toThrow('semaphore initial value must be >= 0');
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
    const sem = new Semaphore();
    expect(() => sem.release(0)).toThrow('n must be one or more');
  });

  test('ValueError for blocking: false with a timeout; a negative timeout only tries once', async () => {
    const sem = new Semaphore(0);
    await expect(sem.acquire({ blocking: false, timeout: 10 })).rejects.toThrow(ValueError);
    const start = performance.now();
    expect(await sem.acquire({ timeout: -1 })).toBe(false);
    expect(await sem.acquire({ timeout: 0 })).toBe(false);
    expect(since(start)).toBeLessThan(50);
  });

  test('a timed acquire gives up within 50 ms of the timeout', async () => {
    const sem = new Semaphore(0);
    const start = performance.now();
    expect(await sem.acquire({ timeout: 100 })).toBe(false);
    expect(since(start)).toBeGreaterThanOrEqual(99);
    expect(since(start)).toBeLessThan(150);
  });

  test('release(n) wakes n waiting tasks', async () => {
    const sem = new Semaphore(0);
    let woke = 0;
    const waiters = [1, 2, 3].map(() => sem.acquire({ timeout: 5_000 }).then((ok) => ok && woke++));
    await sleep(10);
    sem.release(2);
    await sleep(30);
    expect(woke).toBe(2);
    sem.release();
    await Promise.all(waiters);
    expect(woke).toBe(3);
  });

  test('acquireSync throws on the main thread', () => {
    expect(() => new Semaphore(5).acquireSync()).toThrow(RuntimeError);
  });
});

describe('BoundedSemaphore', () => {
  test('releasing above the initial value is a ValueError and changes nothing', async () => {
    const sem = new BoundedSemaphore(2);
    expect(() => sem.release()).toThrow(ValueError);
    expect(() => sem.release()).toThrow('Semaphore released too many times');
    await sem.acquire();
    expect(() => sem.release(2)).toThrow(ValueError);
    sem.release();
    expect(await sem.acquire({ blocking: false })).toBe(true);
    expect(await sem.acquire({ blocking: false })).toBe(true);
    expect(await sem.acquire({ blocking: false })).toBe(false);
    expect(sem).toBeInstanceOf(Semaphore);
  });

  test('a worker over-releasing a shared BoundedSemaphore gets ValueError', async () => {
    const sem = new BoundedSemaphore(1);
    const t = spawn({
      target: (s: BoundedSemaphore) => {
        try {
          s.release();
          return 'released';
        } catch (e) {
          return (e as Error).name;
        }
      },
      args: [sem],
    });
    expect(await joinAll([t])).toEqual(['ValueError']);
  });
});

describe('Semaphore caps concurrency at exactly N', () => {
  test('between async tasks on the main thread', async () => {
    const sem = new Semaphore(3);
    let inside = 0;
    let max = 0;
    const task = async (): Promise<void> => {
      for (let i = 0; i < 10; i++) {
        await sem.acquire();
        inside++;
        max = Math.max(max, inside);
        await sleep(1);
        inside--;
        sem.release();
      }
    };
    await Promise.all(Array.from({ length: 8 }, task));
    expect(max).toBe(3);
  });

  test('N workers can be inside together and one more must wait (main thread and workers)', async () => {
    const sem = new Semaphore(2);
    const inside = new Barrier(3);
    const done = new Event();
    const holder = (s: Semaphore, b: Barrier, d: Event) => {
      s.acquireSync();
      b.waitSync(10_000);
      d.waitSync(10_000);
      s.release();
    };
    const threads = [
      spawn({ target: holder, args: [sem, inside, done] }),
      spawn({ target: holder, args: [sem, inside, done] }),
    ];
    await inside.wait(10_000); // both workers hold a unit
    expect(await sem.acquire({ timeout: 100 })).toBe(false);
    done.set();
    expect(await sem.acquire({ timeout: 10_000 })).toBe(true);
    sem.release();
    await joinAll(threads);
  });

  test('stress: 4 workers never exceed N = 2', async () => {
    await repeat(3, async () => {
      const sem = new Semaphore(2);
      const stats = new Int32Array(new SharedArrayBuffer(8)); // [inside, max]
      // The first two in wait for each other once (so the cap is reached whatever the scheduling).
      const threads = [1, 2, 3, 4].map(() => spawn({ target: fixture('capped'), args: [sem, stats, 3_000, 2] }));
      await joinAll(threads);
      expect(stats[0]).toBe(0);
      expect(stats[1]).toBe(2);
    });
  }, 60_000);
});
