import { isMainThread } from 'node:worker_threads';
import { local, RuntimeError, Timer } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { joinAll, reported, since, sleep, spawn } from '../helpers/threading.js';

describe('Timer (runs on the creating thread, like setTimeout)', () => {
  test('calls fn(...args) once after the interval, on this thread', async () => {
    const calls: unknown[][] = [];
    const timer = new Timer(50, (...args: unknown[]) => calls.push([...args, isMainThread]), ['a', 1]);
    expect(timer.name).toMatch(/^Thread-\d+$/);
    const start = performance.now();
    timer.start();
    expect(timer.isAlive()).toBe(true);
    await timer.join();
    expect(since(start)).toBeGreaterThanOrEqual(49);
    expect(since(start)).toBeLessThan(100);
    expect(calls).toEqual([['a', 1, true]]);
    expect(timer.finished.isSet()).toBe(true);
    expect(timer.isAlive()).toBe(false);
  });

  test('cancel() before it fires prevents the call; start() twice is a RuntimeError', async () => {
    let called = false;
    const timer = new Timer(30, () => {
      called = true;
    });
    timer.start();
    expect(() => timer.start()).toThrow(RuntimeError);
    timer.cancel();
    await sleep(60);
    expect(called).toBe(false);
    await timer.join();
    const never = new Timer(10, () => {
      called = true;
    });
    never.cancel();
    never.start();
    await sleep(30);
    expect(called).toBe(false);
  });

  test('an exception in fn goes to excepthook; async fns are awaited', async () => {
    const timer = new Timer(1, async () => {
      await sleep(1);
      throw new Error('timer failed');
    });
    timer.start();
    await timer.join();
    expect(reported).toHaveLength(1);
    expect((reported[0]!.excValue as Error).message).toBe('timer failed');
    expect(reported[0]!.thread).toBe(timer);
  });
});

describe('local()', () => {
  test('attributes set on one thread are not seen by another; each thread gets its own', async () => {
    const data = local<{ x?: number; y?: string }>();
    data.x = 1;
    expect(Object.keys(data)).toEqual(['x']);
    const t = spawn({
      target: (mine: { x?: number; y?: string }, again: object) => {
        const seen = { ...mine };
        mine.y = 'worker';
        return { seen, same: mine === again, now: { ...mine }, back: mine };
      },
      args: [data, data],
    });
    const [result] = (await joinAll([t])) as [{ seen: object; same: boolean; now: object; back: object }];
    expect(result.seen).toEqual({});
    expect(result.same).toBe(true);
    expect(result.now).toEqual({ y: 'worker' });
    // Back home, it is this thread's namespace again.
    expect(result.back).toBe(data);
    expect({ ...data }).toEqual({ x: 1 });
  });

  test('async tasks on one thread share it (it is per thread)', async () => {
    const data = local<{ n?: number }>();
    await Promise.all([
      (async () => {
        data.n = 1;
      })(),
      (async () => {
        await sleep(1);
        expect(data.n).toBe(1);
      })(),
    ]);
  });
});
