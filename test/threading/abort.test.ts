// AbortSignal on every wait (issue 10 item 4): an aborted wait rejects with an AbortError
// (name, code, cause = reason) and leaves the primitive exactly as a timeout would.

import { getEventListeners } from 'node:events';
import { LifoQueue, PriorityQueue, Queue, SimpleQueue } from 'nogil/queue';
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  Event,
  Lock,
  RLock,
  Semaphore,
  Timer,
} from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { pendingWaits } from '../../dist/threading/wait.js';
import { joinAll, spawn } from '../helpers/threading.js';

const reason = new Error('stop waiting');

// Expects `p` to reject with Node's AbortError shape, with `reason` as cause.
async function expectAborted(p: Promise<unknown>, cause: unknown = reason): Promise<void> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );
  expect(error, 'the wait resolved instead of rejecting').toBeInstanceOf(Error);
  expect(error!.name).toBe('AbortError');
  expect(error!.code).toBe('ABORT_ERR');
  expect(error!.cause).toBe(cause);
}

// A turn of the event loop, so that a wait is really asleep before it is aborted.
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('an aborted acquire does not take the lock or unit', () => {
  test.each([
    ['Lock', () => new Lock()],
    ['Condition', () => new Condition(new Lock())],
  ] as const)('%s.acquire({ signal })', async (_name, make) => {
    const lock = make();
    await lock.acquire();
    const ac = new AbortController();
    const waiting = lock.acquire({ signal: ac.signal });
    await tick();
    ac.abort(reason);
    await expectAborted(waiting);
    // Held by the first acquire only: one release frees it (a leaked second hold would not).
    lock.release();
    expect(await lock.acquire({ blocking: false })).toBe(true);
    lock.release();
    expect(pendingWaits()).toBe(0);
  });

  test.each([
    ['Semaphore', () => new Semaphore(1)],
    ['BoundedSemaphore', () => new BoundedSemaphore(1)],
  ] as const)('%s.acquire({ signal }), and the next waiter still gets the unit', async (_name, make) => {
    const sem = make();
    await sem.acquire(); // 0 units left
    const ac = new AbortController();
    const aborted = sem.acquire({ signal: ac.signal });
    const other = sem.acquire({ timeout: 10_000 });
    await tick();
    ac.abort(reason);
    await expectAborted(aborted);
    sem.release(); // (a BoundedSemaphore would refuse a unit the aborted wait had kept)
    expect(await other).toBe(true);
    expect(await sem.acquire({ blocking: false })).toBe(false);
    sem.release();
    expect(pendingWaits()).toBe(0);
  });

  test.each([
    ['Lock', () => new Lock()],
    ['RLock', () => new RLock()],
    ['Condition', () => new Condition()],
  ] as const)('%s held by a worker: the aborted waiter gives up, the worker keeps it', async (_name, make) => {
    const lock = make();
    const go = new Event();
    const held = new Event();
    const t = spawn({
      target: (l: Lock | RLock | Condition, h: Event, g: Event) => {
        l.acquireSync();
        h.set();
        g.waitSync();
        l.release();
      },
      args: [lock, held, go],
    });
    await held.wait(10_000);
    const ac = new AbortController();
    const waiting = lock.acquire({ signal: ac.signal, timeout: 20_000 });
    await tick();
    ac.abort(reason);
    await expectAborted(waiting);
    const inner = lock instanceof Condition ? lock.lock : lock;
    expect(inner.locked()).toBe(true);
    go.set();
    await joinAll([t]);
    expect(inner.locked()).toBe(false);
    expect(await lock.acquire({ blocking: false })).toBe(true);
    lock.release();
  });

  test('an already-aborted signal rejects at once, even when the lock is free', async () => {
    const lock = new Lock();
    const signal = AbortSignal.abort(reason);
    await expectAborted(lock.acquire({ signal }));
    expect(lock.locked()).toBe(false);
    await expectAborted(new Semaphore(1).acquire({ signal }));
    await expectAborted(new Event().wait(undefined, { signal }));
    await expectAborted(new Queue().get({ signal }));
  });
});

describe('one signal for many waits', () => {
  test('30 acquires waiting with one signal put one listener on it, and all abort', async () => {
    const lock = new Lock();
    await lock.acquire();
    const ac = new AbortController();
    const waits = Array.from({ length: 30 }, () => lock.acquire({ signal: ac.signal }));
    await tick();
    expect(getEventListeners(ac.signal, 'abort').length).toBeLessThanOrEqual(1);
    ac.abort(reason);
    for (const w of waits) await expectAborted(w);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    lock.release();
    expect(pendingWaits()).toBe(0);
  });
});

describe('aborted waits of Condition, Event, Barrier', () => {
  test('Condition.wait re-acquires the lock, then rejects; later notifies reach other waiters', async () => {
    const cond = new Condition(new Lock());
    await cond.acquire();
    const ac = new AbortController();
    const waiting = cond.wait(undefined, { signal: ac.signal });
    await tick();
    expect(cond.lock.locked()).toBe(false); // released while waiting
    ac.abort(reason);
    await expectAborted(waiting);
    expect(cond.lock.locked()).toBe(true); // re-acquired, as after a timeout
    const next = cond.wait(10_000);
    await tick();
    await cond.acquire();
    cond.notify(); // the aborted waiter's slot is gone: this one is woken
    cond.release();
    expect(await next).toBe(true);
    cond.release();
  });

  test('Condition.wait with an RLock re-acquires every level; waitFor rejects the same way', async () => {
    const cond = new Condition();
    await cond.acquire();
    await cond.acquire();
    const ac = new AbortController();
    const waiting = cond.waitFor(() => false, undefined, { signal: ac.signal });
    await tick();
    ac.abort(reason);
    await expectAborted(waiting);
    cond.release();
    expect(cond.lock.locked()).toBe(true);
    cond.release();
    expect(cond.lock.locked()).toBe(false);
  });

  test('Event.wait(timeout, { signal })', async () => {
    const ev = new Event();
    const ac = new AbortController();
    const waiting = ev.wait(20_000, { signal: ac.signal });
    const other = ev.wait(20_000);
    await tick();
    ac.abort(reason);
    await expectAborted(waiting);
    ev.set();
    expect(await other).toBe(true);
  });

  test('Barrier.wait breaks the barrier, as a timeout does in Python', async () => {
    const b = new Barrier(3);
    const other = b.wait(20_000);
    const ac = new AbortController();
    const waiting = b.wait(20_000, { signal: ac.signal });
    await tick();
    ac.abort(reason);
    await expectAborted(waiting);
    await expect(other).rejects.toThrow(BrokenBarrierError);
    expect(b.broken).toBe(true);
  });

  test('Thread.join and Timer.join stop waiting; the thread runs on', async () => {
    const go = new Event();
    const t = spawn({ target: (g: Event) => g.waitSync(), args: [go] });
    const ac = new AbortController();
    const joining = t.join(undefined, { signal: ac.signal });
    await tick();
    ac.abort(reason);
    await expectAborted(joining);
    expect(t.isAlive()).toBe(true);
    go.set();
    await t.join(10_000);
    expect(t.isAlive()).toBe(false);

    const timer = new Timer(60_000, () => {});
    timer.start();
    const ac2 = new AbortController();
    const timerJoin = timer.join(undefined, { signal: ac2.signal });
    ac2.abort(reason);
    await expectAborted(timerJoin);
    timer.cancel();
  });
});

describe('aborted queue waits leave the queue unchanged', () => {
  test.each([
    ['Queue', () => new Queue<number>()],
    ['LifoQueue', () => new LifoQueue<number>()],
    ['PriorityQueue', () => new PriorityQueue<number>()],
    ['SimpleQueue', () => new SimpleQueue<number>()],
  ] as const)('%s.get({ signal }) takes nothing', async (_name, make) => {
    const q = make();
    const ac = new AbortController();
    const waiting = q.get({ signal: ac.signal, timeout: 20_000 });
    const other = q.get({ timeout: 20_000 });
    await tick();
    ac.abort(reason);
    await expectAborted(waiting);
    q.putNowait(7);
    expect(await other).toBe(7);
    expect(q.qsize()).toBe(0);
  });

  test.each([
    ['Queue', () => new Queue<number>(1)],
    ['LifoQueue', () => new LifoQueue<number>(1)],
    ['PriorityQueue', () => new PriorityQueue<number>(1)],
  ] as const)('%s.put({ signal }) on a full queue adds nothing', async (_name, make) => {
    const q = make();
    q.putNowait(1);
    const ac = new AbortController();
    const waiting = q.put(2, { signal: ac.signal });
    await tick();
    ac.abort(reason);
    await expectAborted(waiting);
    expect(q.qsize()).toBe(1);
    expect(q.getNowait()).toBe(1);
    expect(q.qsize()).toBe(0);
  });

  test('Queue.join({ signal })', async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    const ac = new AbortController();
    const joining = q.join({ signal: ac.signal });
    await tick();
    ac.abort(reason);
    await expectAborted(joining);
    expect(q.unfinishedTasks).toBe(1);
  });

  test('a signal that is not an AbortSignal is a TypeError', async () => {
    const bad = { signal: 'nope' as unknown as AbortSignal };
    await expect(new Lock().acquire(bad)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(new Queue().get(bad)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(new Event().wait(1, bad)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(new Event().wait(1, { nope: 1 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(pendingWaits()).toBe(0);
  });
});

describe('the ...Sync twins in workers', () => {
  test('throw the AbortError of an already-aborted signal before they block', async () => {
    const t = spawn({
      target: async (lock: Lock, q: Queue<number>, ev: Event) => {
        const signal = AbortSignal.abort('early');
        const names: string[] = [];
        for (const attempt of [
          () => lock.acquireSync({ signal }),
          () => q.getSync({ signal }),
          () => ev.waitSync(1, { signal }),
        ]) {
          try {
            attempt();
            names.push('no error');
          } catch (e) {
            names.push(`${(e as Error).name}:${(e as { cause?: unknown }).cause}`);
          }
        }
        return { names, locked: lock.locked() };
      },
      args: [new Lock(), new Queue<number>(), new Event()],
    });
    const [result] = await joinAll([t]);
    expect(result).toEqual({ names: ['AbortError:early', 'AbortError:early', 'AbortError:early'], locked: false });
  });
});
