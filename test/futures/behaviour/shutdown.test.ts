// shutdown({ wait, cancelFutures }) and Symbol.asyncDispose on every executor kind (CPython's
// ExecutorShutdownTest). `await using` is not Node 20 syntax: asyncDispose is called directly.
import { CancelledError, RuntimeError } from 'nogil/futures';
import { describe, expect, it } from 'vitest';
import { kinds } from '../kinds/index.js';
import { executors, submit, untilRunning } from './helpers.js';

describe.each(kinds)('$name: shutdown', (kind) => {
  const create = executors(kind);

  it('wait: true (the default) resolves once every task is done, and leaves no worker', async () => {
    const executor = create({ maxWorkers: 2 });
    const futures = Array.from({ length: 5 }, () => submit(executor, kind.sleep(60)));
    await executor.shutdown();
    expect(futures.map((f) => f.state)).toEqual(futures.map(() => 'FINISHED'));
    expect(executor.stats()).toMatchObject({ workers: 0, idle: 0, running: 0, queued: 0, completed: 5 });
  });

  it('wait: false resolves at once; the work still runs to completion', async () => {
    const executor = create({ maxWorkers: 1 });
    const futures = Array.from({ length: 3 }, (_, i) => submit(executor, kind.gcd(12 * (i + 1), 18)));
    const slow = submit(executor, kind.sleep(200));
    await executor.shutdown({ wait: false });
    expect(slow.done()).toBe(false);
    expect(await Promise.all(futures)).toEqual([6, 6, 18]);
    expect(await slow).toBeUndefined();
    // A later shutdown() with wait waits for the same drain.
    await executor.shutdown();
    expect(executor.stats().workers).toBe(0);
  });

  it('cancelFutures cancels what has not started; running tasks finish (repeated)', async () => {
    for (let round = 0; round < 5; round++) {
      const executor = create({ maxWorkers: 1 });
      const futures = Array.from({ length: 8 }, () => submit(executor, kind.sleep(40)));
      await untilRunning(futures[0]!);
      await executor.shutdown({ cancelFutures: true });
      expect(futures[0]!.state).toBe('FINISHED');
      const cancelled = futures.filter((f) => f.cancelled());
      // All but the running task and at most one handed ahead of it.
      expect(cancelled.length).toBeGreaterThanOrEqual(6);
      for (const f of futures) expect(['FINISHED', 'CANCELLED', 'CANCELLED_AND_NOTIFIED']).toContain(f.state);
      for (const f of cancelled) await expect(f.result()).rejects.toThrow(CancelledError);
      const s = executor.stats();
      expect(s.cancelled).toBe(cancelled.length);
      expect(s.completed + s.cancelled).toBe(8);
    }
  });

  it('is idempotent: a second call resolves too, and submit keeps throwing RuntimeError', async () => {
    const executor = create({ maxWorkers: 1 });
    const f = submit(executor, kind.gcd(2, 8));
    const [a, b] = [executor.shutdown(), executor.shutdown({ wait: true })];
    await Promise.all([a, b]);
    expect(await f).toBe(2);
    await executor.shutdown();
    expect(() => submit(executor, kind.gcd(1, 1))).toThrow(RuntimeError);
  });

  it('an executor that never ran anything shuts down at once', async () => {
    const executor = create({ maxWorkers: 4 });
    await executor.shutdown();
    expect(executor.stats().workers).toBe(0);
  });

  it('Symbol.asyncDispose is shutdown({ wait: true }) (what `await using` calls)', async () => {
    const executor = create({ maxWorkers: 2 });
    const futures = [submit(executor, kind.sleep(50)), submit(executor, kind.gcd(9, 12))];
    await executor[Symbol.asyncDispose]();
    expect(futures.every((f) => f.done())).toBe(true);
    expect(await futures[1]).toBe(3);
    expect(() => submit(executor, kind.gcd(1, 1))).toThrow(RuntimeError);
    expect(executor.stats().workers).toBe(0);
  });
});
