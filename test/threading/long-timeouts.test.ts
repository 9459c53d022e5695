// Every wait accepts timeouts up to TIMEOUT_MAX, past Node's 2^31 ms timer limit (issue 8 item 9).
import { Queue } from 'nogil/queue';
import { Barrier, Condition, Event, Lock, Semaphore, TIMEOUT_MAX, Timer } from 'nogil/threading';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { spawn } from '../helpers/threading.js';

const LONG = [2 ** 31, 2 ** 32 + 5, TIMEOUT_MAX];
const warnings: Error[] = [];
const onWarning = (w: Error): void => {
  warnings.push(w);
};
beforeEach(() => {
  warnings.length = 0;
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
  expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
});

// Whether `p` is still pending after a few turns of the event loop (a timer that fires "at once"
// has had its chance: setTimeout(0)-like callbacks run within these turns).
async function stillPending(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  return !settled;
}

describe('timeouts of 2^31 ms and more (up to TIMEOUT_MAX)', () => {
  test.each(LONG)('Thread.join(%d) waits for the thread', async (timeout) => {
    const go = new Event();
    const t = spawn({ target: (ev: Event) => ev.waitSync(), args: [go] });
    const joined = t.join(timeout);
    expect(await stillPending(joined)).toBe(true);
    expect(t.isAlive()).toBe(true);
    go.set();
    await joined;
    expect(t.isAlive()).toBe(false);
  });

  test.each(LONG)('every other wait waits too (timeout %d)', async (timeout) => {
    const lock = new Lock();
    await lock.acquire();
    const sem = new Semaphore(0);
    const ev = new Event();
    const cond = new Condition(new Lock());
    await cond.acquire();
    const barrier = new Barrier(2);
    const q = new Queue<number>();
    const full = new Queue<number>(1);
    full.putNowait(0);
    const waits = [
      lock.acquire({ timeout }),
      sem.acquire({ timeout }),
      ev.wait(timeout),
      cond.wait(timeout),
      barrier.wait(timeout),
      q.get({ timeout }),
      full.put(1, { timeout }),
    ];
    expect(await stillPending(Promise.race(waits))).toBe(true);
    lock.release();
    sem.release();
    ev.set();
    await cond.acquire();
    cond.notify();
    cond.release();
    const second = barrier.wait(timeout);
    q.putNowait(1);
    full.getNowait();
    expect(await Promise.all([...waits, second])).toEqual([true, true, true, true, 0, 1, undefined, 1]);
    cond.release();
  });

  test('a Timer of 2^31 ms or more does not fire at once (and cancel() clears it)', async () => {
    let fired = false;
    const timer = new Timer(2 ** 31, () => {
      fired = true;
    });
    timer.start();
    expect(await stillPending(timer.join())).toBe(true);
    expect(fired).toBe(false);
    timer.cancel();
    await timer.join();
    expect(fired).toBe(false);
  });
});
