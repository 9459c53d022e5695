// submit(), stats(), RuntimeError after shutdown and bad input, on every executor kind
// (CPython's ExecutorTest.test_submit, test_max_workers_negative, and the Node extras).
import { RuntimeError, TimeoutError, ValueError } from 'nogil/futures';
import { describe, expect, it, vi } from 'vitest';
import { failingKinds, kinds } from '../kinds/index.js';
import { accepted, asMap, executors, gcd, submit, submitWith, untilRunning } from './helpers.js';

describe.each(kinds)('$name: submit', (kind) => {
  const create = executors(kind);

  it('resolves to the task result (CPython test_submit)', async () => {
    const executor = create({ maxWorkers: 2 });
    expect(await submit(executor, kind.gcd(324435212, 23342412))).toBe(4);
    expect(await submit(executor, kind.gcd(0, 5))).toBe(5);
  });

  it('many submissions each get their own result', async () => {
    const executor = create({ maxWorkers: 2 });
    const pairs = Array.from({ length: 200 }, (_, i) => [i * 7 + 3, i * 3 + 12] as const);
    const futures = pairs.map(([a, b]) => submit(executor, kind.gcd(a, b)));
    expect(await Promise.all(futures)).toEqual(pairs.map(([a, b]) => gcd(a, b)));
  });

  it('a future is never done synchronously, and is FINISHED once awaited', async () => {
    const executor = create({ maxWorkers: 1 });
    const f = submit(executor, kind.gcd(12, 18));
    expect(f.done()).toBe(false);
    expect(['PENDING', 'RUNNING']).toContain(f.state);
    expect(await f.result(30_000)).toBe(6);
    expect(f.state).toBe('FINISHED');
    expect(f.cancel()).toBe(false);
  });

  it('result(timeout) on a busy task rejects with TimeoutError and the task still finishes', async () => {
    const executor = create({ maxWorkers: 1 });
    const f = submit(executor, kind.sleep(300));
    await expect(f.result(10)).rejects.toThrow(TimeoutError);
    expect(f.done()).toBe(false);
    expect(await f.result(30_000)).toBeUndefined();
  });

  it('a running task cannot be cancelled; a pending one can, and never runs', async () => {
    const executor = create({ maxWorkers: 1 });
    const running = submit(executor, kind.sleep(200));
    const queued = Array.from({ length: 4 }, () => submit(executor, kind.sleep(200)));
    await untilRunning(running);
    expect(running.cancel()).toBe(false);
    const last = queued.at(-1)!;
    expect(last.running()).toBe(false);
    expect(last.cancel()).toBe(true);
    expect(last.cancelled()).toBe(true);
    for (const f of queued) f.cancel();
    expect(await running).toBeUndefined();
    await executor.shutdown();
    expect(last.state).toBe('CANCELLED_AND_NOTIFIED');
    const s = executor.stats();
    expect(s.completed + s.cancelled).toBe(5);
    expect(s.cancelled).toBeGreaterThanOrEqual(1);
  });
});

describe.each(kinds)('$name: stats()', (kind) => {
  const create = executors(kind);

  it('a fresh executor has no workers and no tasks (workers start on demand)', () => {
    const executor = create({ maxWorkers: 2 });
    expect(executor.stats()).toEqual({
      workers: 0,
      idle: 0,
      running: 0,
      queued: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
    });
  });

  it('counts running and queued tasks while busy, then completed and cancelled ones', async () => {
    const executor = create({ maxWorkers: 2 });
    const futures = Array.from({ length: 8 }, () => submit(executor, kind.sleep(100)));
    await untilRunning(futures[0]!);
    const busy = executor.stats();
    expect(busy.running).toBeGreaterThanOrEqual(1);
    // At most one call beyond the workers is handed over ahead (CPython's process-pool rule).
    expect(busy.running).toBeLessThanOrEqual(3);
    expect(busy.running + busy.queued + busy.completed).toBe(8);
    expect(busy.workers).toBeGreaterThanOrEqual(1);
    expect(busy.workers).toBeLessThanOrEqual(2);
    expect(busy.idle).toBeLessThanOrEqual(busy.workers);
    expect(futures.at(-1)!.cancel()).toBe(true);
    await Promise.allSettled(futures);
    expect(executor.stats()).toMatchObject({ running: 0, queued: 0, completed: 7, failed: 0, cancelled: 1 });
    // A worker may report itself idle a moment after its last result arrived.
    await vi.waitFor(() => {
      const after = executor.stats();
      expect(after.idle).toBe(after.workers);
    });
    expect(accepted(executor)).toBe(8);
  });

  it('counts a future cancelled before it was dispatched (in the same tick)', async () => {
    const executor = create({ maxWorkers: 1 });
    const f = submit(executor, kind.gcd(1, 2));
    expect(f.cancel()).toBe(true);
    await executor.shutdown();
    expect(executor.stats()).toMatchObject({ completed: 0, cancelled: 1, running: 0, queued: 0 });
    expect(f.state).toBe('CANCELLED_AND_NOTIFIED');
  });
});

describe.each(failingKinds)('$name: a failing task', (kind) => {
  const create = executors(kind);

  it('rejects its own future with the class name, message and stack; the executor goes on', async () => {
    const executor = create({ maxWorkers: 1 });
    const f = submit(executor, kind.fail!('QuotaError', 'over the limit'));
    const error = (await f.exception()) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('QuotaError');
    expect(error.message).toBe('over the limit');
    expect(error.stack).toContain('over the limit');
    await expect(f).rejects.toBe(error);
    expect(await submit(executor, kind.gcd(12, 18))).toBe(6);
    expect(executor.stats()).toMatchObject({ failed: 1, completed: 1 });
  });
});

describe.each(kinds)('$name: after shutdown', (kind) => {
  const create = executors(kind);

  it.each([true, false])('submit, submitWith and map throw RuntimeError synchronously (wait: %s)', async (wait) => {
    const executor = create({ maxWorkers: 1 });
    await submit(executor, kind.gcd(2, 4));
    const closing = executor.shutdown({ wait });
    const { fn, item } = asMap(kind.gcd(1, 2));
    for (const attempt of [
      () => submit(executor, kind.gcd(1, 2)),
      () => submitWith(executor, {}, kind.gcd(1, 2)),
      () => executor.map(fn, [item] as never),
      () => executor.map(kind.mapGcd.fn, [kind.mapGcd.item(1, 2)] as never),
    ]) {
      let thrown: unknown;
      try {
        attempt();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(RuntimeError);
      expect((thrown as Error).message).toBe('cannot schedule new futures after shutdown');
    }
    await closing;
  });
});

describe.each(kinds)('$name: bad input', (kind) => {
  const create = executors(kind);

  it.each([0, -1])('maxWorkers %i is a ValueError (CPython test_max_workers_negative)', (maxWorkers) => {
    expect(() => create({ maxWorkers })).toThrow(ValueError);
    expect(() => create({ maxWorkers })).toThrow(/maxWorkers must be greater than 0/);
  });

  it.each([
    [1.5, 'RangeError', 'ERR_OUT_OF_RANGE'],
    [Number.NaN, 'RangeError', 'ERR_OUT_OF_RANGE'],
    ['x', 'TypeError', 'ERR_INVALID_ARG_TYPE'],
    [{}, 'TypeError', 'ERR_INVALID_ARG_TYPE'],
  ])('maxWorkers %s is a %s %s', (maxWorkers, name, code) => {
    expect(() => create({ maxWorkers: maxWorkers as number })).toThrow(expect.objectContaining({ name, code }));
  });

  it('a negative or NaN timeout is a ValueError; a non-number a TypeError', async () => {
    const executor = create({ maxWorkers: 1 });
    const f = submit(executor, kind.gcd(3, 6));
    await expect(f.result(-1)).rejects.toThrow(ValueError);
    await expect(f.exception(-0.5)).rejects.toThrow(ValueError);
    await expect(f.result(Number.NaN)).rejects.toThrow(ValueError);
    await expect(f.result('10' as never)).rejects.toThrow(TypeError);
    const { fn, item } = asMap(kind.gcd(1, 2));
    expect(() => executor.map(fn, [item] as never, { timeout: -1 })).toThrow(ValueError);
    expect(await f).toBe(3);
  });

  it('bad shutdown or submitWith options are TypeErrors, and leave the executor usable', async () => {
    const executor = create({ maxWorkers: 1 });
    expect(() => executor.shutdown({ wait: 'yes' as never })).toThrow(TypeError);
    expect(() => executor.shutdown({ cancelFutures: 1 as never })).toThrow(TypeError);
    expect(() => executor.shutdown({ now: true } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => submitWith(executor, { signal: 'abort' as never }, kind.gcd(1, 2))).toThrow(TypeError);
    expect(() => submitWith(executor, { transfer: 5 as never }, kind.gcd(1, 2))).toThrow(TypeError);
    expect(() => submitWith(executor, null as never, kind.gcd(1, 2))).toThrow(TypeError);
    expect(await submit(executor, kind.gcd(4, 6))).toBe(2);
  });
});
