import { Event, RuntimeError } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { fixture, joinAll, since, sleep, spawn } from '../helpers/threading.js';

describe('Event (Python semantics)', () => {
  test('set, isSet, clear; wait on a set event resolves true at once', async () => {
    const ev = new Event();
    expect(ev.isSet()).toBe(false);
    ev.set();
    expect(ev.isSet()).toBe(true);
    expect(await ev.wait()).toBe(true);
    expect(await ev.wait(0)).toBe(true);
    ev.clear();
    expect(ev.isSet()).toBe(false);
    expect(await ev.wait(0)).toBe(false);
    expect(await ev.wait(-1)).toBe(false);
  });

  test('wait(timeout) resolves false after the timeout (within 50 ms)', async () => {
    const ev = new Event();
    const start = performance.now();
    expect(await ev.wait(100)).toBe(false);
    expect(since(start)).toBeGreaterThanOrEqual(99);
    expect(since(start)).toBeLessThan(150);
  });

  test('waitSync throws on the main thread', () => {
    const ev = new Event();
    ev.set();
    expect(() => ev.waitSync()).toThrow(RuntimeError);
  });
});

describe('Event between async tasks on the main thread', () => {
  test('set() wakes every waiter; set() then clear() at once still wakes them with true', async () => {
    const ev = new Event();
    const waiters = [ev.wait(), ev.wait(5_000), ev.wait(5_000)];
    await sleep(10);
    ev.set();
    ev.clear();
    expect(await Promise.all(waiters)).toEqual([true, true, true]);
    expect(ev.isSet()).toBe(false);
  });
});

describe('Event between the main thread and workers', () => {
  test('workers blocked in waitSync are woken by the main thread, even by set() + clear()', async () => {
    const ev = new Event();
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const waiter = (e: Event, r: Int32Array) => {
      Atomics.add(r, 0, 1);
      return e.waitSync(10_000);
    };
    const threads = [spawn({ target: waiter, args: [ev, ready] }), spawn({ target: waiter, args: [ev, ready] })];
    while (Atomics.load(ready, 0) < 2) await sleep(2);
    await sleep(30); // into waitSync
    ev.set();
    ev.clear();
    expect(await joinAll(threads)).toEqual([true, true]);
  });

  test('the main thread waits for a worker to set it', async () => {
    const ev = new Event();
    const t = spawn({ target: fixture('setEvent'), args: [ev] });
    expect(await ev.wait(10_000)).toBe(true);
    await joinAll([t]);
  });
});

describe('Event between workers', () => {
  test('one worker sets, another waits', async () => {
    const ev = new Event();
    const waiter = spawn({ target: fixture('waitEvent'), args: [ev, 10_000] });
    const setter = spawn({ target: fixture('setEvent'), args: [ev] });
    expect(await joinAll([waiter, setter])).toEqual([true, undefined]);
  });

  test('a worker wait times out with false', async () => {
    const ev = new Event();
    const t = spawn({
      target: (e: Event) => {
        const start = Date.now();
        return [e.waitSync(60), Date.now() - start];
      },
      args: [ev],
    });
    const [[result, took]] = (await joinAll([t])) as [[boolean, number]];
    expect(result).toBe(false);
    expect(took).toBeGreaterThanOrEqual(55);
    expect(took).toBeLessThan(110);
  });
});
