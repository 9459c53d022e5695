// `using` where Python has `with` (issue 10 item 5): hold(), holdSync() and runExclusive() on
// Lock, RLock, Semaphore, BoundedSemaphore and Condition.
import { BoundedSemaphore, Condition, Event, Lock, RLock, RuntimeError, Semaphore } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { joinAll, spawn } from '../helpers/threading.js';

type Primitive = Lock | RLock | Semaphore | Condition;
const kinds: [string, () => Primitive][] = [
  ['Lock', () => new Lock()],
  ['RLock', () => new RLock()],
  ['Semaphore', () => new Semaphore(1)],
  ['BoundedSemaphore', () => new BoundedSemaphore(1)],
  ['Condition', () => new Condition()],
];

// Whether another thread could take it now (a worker tries without blocking).
async function takenFromElsewhere(p: Primitive): Promise<boolean> {
  const t = spawn({
    target: (x: Primitive) => {
      const got = x.acquireSync({ blocking: false });
      if (got) x.release();
      return !got;
    },
    args: [p],
  });
  const [taken] = await joinAll([t]);
  return taken as boolean;
}

describe.each(kinds)('%s', (name, make) => {
  test('hold() resolves a handle whose [Symbol.dispose] releases (once)', async () => {
    const p = make();
    const held = await p.hold();
    expect(await takenFromElsewhere(p)).toBe(true);
    held[Symbol.dispose]();
    expect(await takenFromElsewhere(p)).toBe(false);
    held[Symbol.dispose](); // a second dispose does nothing (no over-release)
    held.release();
    expect(await takenFromElsewhere(p)).toBe(false);
    if (p instanceof BoundedSemaphore) expect(() => p.release()).toThrow(/released too many times/);
  });

  test('hold() that does not acquire rejects with RuntimeError and holds nothing', async () => {
    const p = make();
    // Another thread holds it meanwhile (RLock: owned per thread, so take it from a worker).
    const held = new Event();
    const done = new Event();
    const t = spawn({
      target: (x: Primitive, h: Event, d: Event) => {
        const hold = x.holdSync();
        h.set();
        d.waitSync();
        hold[Symbol.dispose]();
      },
      args: [p, held, done],
    });
    await held.wait(10_000);
    await expect(p.hold({ timeout: 20 })).rejects.toMatchObject({
      name: 'RuntimeError',
      code: 'ERR_NOGIL_NOT_ACQUIRED',
      message: `${name}.hold(): not acquired (timeout of 20 ms expired)`,
    });
    await expect(p.hold({ blocking: false })).rejects.toBeInstanceOf(RuntimeError);
    done.set();
    await joinAll([t]);
    const again = await p.hold({ timeout: 1_000 });
    again.release();
  });

  test('runExclusive(fn) holds it while fn runs, returns its result, releases on a throw', async () => {
    const p = make();
    // Mutual exclusion between async tasks (RLock: one thread shares ownership, so use workers).
    if (!(p instanceof RLock) && !(p instanceof Condition)) {
      let inside = 0;
      let most = 0;
      const task = (i: number) =>
        p.runExclusive(async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 2));
          inside--;
          return i * 2;
        });
      expect(await Promise.all([1, 2, 3, 4].map(task))).toEqual([2, 4, 6, 8]);
      expect(most).toBe(1);
    }
    await expect(
      p.runExclusive(() => {
        throw new TypeError('inside');
      }),
    ).rejects.toThrow('inside');
    expect(await takenFromElsewhere(p)).toBe(false);
    expect(await p.runExclusive(() => 'sync value')).toBe('sync value');
    await expect(p.runExclusive('nope' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  test('holdSync() in a worker; on the main thread it throws RuntimeError', async () => {
    const p = make();
    expect(() => p.holdSync()).toThrow(RuntimeError);
    const t = spawn({
      target: (x: Primitive) => {
        const h = x.holdSync({ timeout: 5_000 });
        const whileHeld = x.acquireSync({ blocking: false });
        if (whileHeld) x.release(); // RLock re-enters; the others are taken
        h[Symbol.dispose]();
        const after = x.acquireSync({ blocking: false });
        if (after) x.release();
        return [whileHeld, after];
      },
      args: [p],
    });
    const [result] = await joinAll([t]);
    expect(result).toEqual([p instanceof RLock || p instanceof Condition, true]);
  });
});

describe('Condition.runExclusive', () => {
  test('fn may wait and notify: it holds the lock', async () => {
    const cond = new Condition(new Lock());
    const items: number[] = [];
    const consumer = cond.runExclusive(async () => {
      await cond.waitFor(() => items.length > 0, 10_000);
      return items.shift();
    });
    await cond.runExclusive(() => {
      items.push(42);
      cond.notify();
    });
    expect(await consumer).toBe(42);
    expect(cond.lock.locked()).toBe(false);
  });
});
