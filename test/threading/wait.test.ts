// Async waits never block the event loop and keep the process alive while pending.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Queue } from 'nogil/queue';
import { Condition, Event, Lock, Semaphore } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { pendingWaits } from '../../dist/threading/wait.js';
import { sleep } from '../helpers/threading.js';

const run = promisify(execFile);

describe('async waits', () => {
  test('keep the process alive while pending, and only then', async () => {
    const script = fileURLToPath(new URL('../fixtures/threading/keepalive.mjs', import.meta.url));
    const start = performance.now();
    const { stdout } = await run(process.execPath, [script], { timeout: 20_000 });
    expect(stdout).toBe('waiting\nacquired: true\n');
    expect(performance.now() - start).toBeLessThan(10_000);
  });

  test('hold the keep-alive only while pending', async () => {
    expect(pendingWaits()).toBe(0);
    const lock = new Lock();
    await lock.acquire();
    const ev = new Event();
    const sem = new Semaphore(0);
    const q = new Queue();
    const cond = new Condition(new Lock());
    await cond.acquire();
    const waits = [lock.acquire(), ev.wait(), sem.acquire(), q.get(), cond.wait(5_000)];
    await sleep(10);
    expect(pendingWaits()).toBe(5);
    lock.release();
    ev.set();
    sem.release();
    await q.put(1);
    await cond.acquire({ timeout: 0 }); // cond's lock was released by wait(): take it to notify
    cond.notify();
    cond.release();
    await Promise.all(waits);
    cond.release();
    expect(pendingWaits()).toBe(0);
  });

  test('timed-out waits release the keep-alive too', async () => {
    const ev = new Event();
    expect(await ev.wait(20)).toBe(false);
    expect(pendingWaits()).toBe(0);
  });
});
