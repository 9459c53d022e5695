import { Event, RLock, RuntimeError, ValueError } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { joinAll, since, sleep, spawn } from '../helpers/threading.js';

describe('RLock (Python semantics)', () => {
  test('the owning thread re-enters; the lock is free after as many releases', async () => {
    const rlock = new RLock();
    expect(await rlock.acquire()).toBe(true);
    expect(await rlock.acquire()).toBe(true);
    expect(await rlock.acquire({ blocking: false })).toBe(true);
    expect(rlock.locked()).toBe(true);
    rlock.release();
    rlock.release();
    expect(rlock.locked()).toBe(true);
    rlock.release();
    expect(rlock.locked()).toBe(false);
  });

  test('releasing an RLock this thread does not own is a RuntimeError', () => {
    const rlock = new RLock();
    expect(() => rlock.release()).toThrow(RuntimeError);
    expect(() => rlock.release()).toThrow('cannot release un-acquired lock');
  });

  test('ValueError cases reject; acquireSync throws on the main thread', async () => {
    const rlock = new RLock();
    await expect(rlock.acquire({ blocking: false, timeout: 5 })).rejects.toThrow(ValueError);
    await expect(rlock.acquire({ timeout: -3 })).rejects.toThrow(ValueError);
    expect(() => rlock.acquireSync()).toThrow(RuntimeError);
  });

  test('async tasks on one thread share ownership (API detail 3)', async () => {
    const rlock = new RLock();
    await rlock.acquire();
    // Another task of the same thread gets in at once: ownership is per thread.
    const other = await (async () => rlock.acquire({ blocking: false }))();
    expect(other).toBe(true);
    rlock.release();
    rlock.release();
    expect(rlock.locked()).toBe(false);
  });
});

describe('RLock between the main thread and a worker', () => {
  test('a worker cannot take or release an RLock the main thread owns', async () => {
    const rlock = new RLock();
    await rlock.acquire();
    const t = spawn({
      target: (r: RLock) => {
        let releaseError = '';
        try {
          r.release();
        } catch (e) {
          releaseError = (e as Error).name;
        }
        const start = Date.now();
        const got = r.acquireSync({ timeout: 50 });
        return { releaseError, got, waited: Date.now() - start };
      },
      args: [rlock],
    });
    const [result] = (await joinAll([t])) as [{ releaseError: string; got: boolean; waited: number }];
    expect(result).toMatchObject({ releaseError: 'RuntimeError', got: false });
    expect(result.waited).toBeGreaterThanOrEqual(45);
    rlock.release();
  });

  test('the main thread waits for a worker to release every level', async () => {
    const rlock = new RLock();
    const held = new Event();
    const go = new Event();
    const t = spawn({
      target: (r: RLock, h: Event, g: Event) => {
        r.acquireSync();
        r.acquireSync();
        h.set();
        g.waitSync(10_000);
        r.release();
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        r.release();
      },
      args: [rlock, held, go],
    });
    await held.wait();
    expect(await rlock.acquire({ blocking: false })).toBe(false);
    const start = performance.now();
    go.set();
    expect(await rlock.acquire({ timeout: 5_000 })).toBe(true);
    expect(since(start)).toBeGreaterThanOrEqual(40);
    rlock.release();
    await joinAll([t]);
  });
});

describe('RLock between workers', () => {
  test('nested acquires in two workers never overlap', async () => {
    const rlock = new RLock();
    const stats = new Int32Array(new SharedArrayBuffer(8));
    const body = (r: RLock, s: Int32Array) => {
      for (let i = 0; i < 2_000; i++) {
        r.acquireSync();
        r.acquireSync();
        if (Atomics.add(s, 0, 1) !== 0) Atomics.store(s, 1, 1);
        Atomics.sub(s, 0, 1);
        r.release();
        r.release();
      }
    };
    await joinAll([spawn({ target: body, args: [rlock, stats] }), spawn({ target: body, args: [rlock, stats] })]);
    expect(stats[1]).toBe(0);
    expect(rlock.locked()).toBe(false);
    await sleep(0);
  });
});
