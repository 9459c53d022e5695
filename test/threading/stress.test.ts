// Lock stress: exact counts under heavy contention, repeated to catch flakiness.
import { Lock, RLock, Value } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { fixture, joinAll, repeat, spawn } from '../helpers/threading.js';

describe('Lock stress', () => {
  test('4 workers x 100k lock-protected increments are exact (acquireSync)', async () => {
    await repeat(3, async () => {
      const lock = new Lock();
      const value = new Value('i', 0, { lock: false });
      const threads = [1, 2, 3, 4].map(() =>
        spawn({ target: fixture('lockedIncrements'), args: [lock, value, 100_000] }),
      );
      await joinAll(threads, 120_000);
      expect(value.value).toBe(400_000);
      expect(lock.locked()).toBe(false);
    });
  }, 240_000);

  test('workers with async acquire plus the main thread are exact too', async () => {
    await repeat(2, async () => {
      const lock = new Lock();
      const value = new Value('i', 0, { lock: false });
      const threads = [
        spawn({ target: fixture('lockedIncrementsAsync'), args: [lock, value, 50_000] }),
        spawn({ target: fixture('lockedIncrements'), args: [lock, value, 50_000] }),
      ];
      for (let i = 0; i < 5_000; i++) {
        await lock.acquire();
        value.value += 1;
        lock.release();
      }
      await joinAll(threads, 120_000);
      expect(value.value).toBe(105_000);
    });
  }, 240_000);

  test('RLock: 4 workers x 50k nested increments are exact', async () => {
    const rlock = new RLock();
    const value = new Value('i', 0, { lock: rlock });
    const body = (v: Value<'i'>, n: number) => {
      const l = v.getLock();
      for (let i = 0; i < n; i++) {
        l.acquireSync();
        l.acquireSync();
        v.value += 1;
        l.release();
        l.release();
      }
    };
    await joinAll(
      [1, 2, 3, 4].map(() => spawn({ target: body, args: [value, 50_000] })),
      120_000,
    );
    expect(value.value).toBe(200_000);
  }, 240_000);
});
