// asCompleted() against CPython (Lib/test/test_concurrent_futures/test_as_completed.py):
// finished futures first, then in completion order; each future once; the Future objects
// themselves (API item 4); a timeout counted from the call.
import { asCompleted, Future, NativePoolExecutor, TimeoutError, ValueError } from 'nogil/futures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { futureIn } from './states.js';

let executor: NativePoolExecutor;
beforeEach(() => {
  executor = new NativePoolExecutor({ maxWorkers: 2 });
});
afterEach(async () => {
  await executor.shutdown({ cancelFutures: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('asCompleted', () => {
  it('yields every future, done or not (CPython test_no_timeout)', async () => {
    const fixed = [futureIn('CANCELLED_AND_NOTIFIED'), futureIn('EXCEPTION'), futureIn('SUCCESSFUL')];
    const f1 = executor.submit('gcd', 2, 21);
    const f2 = executor.submit('gcd', 7, 6);
    const yielded = await collect(asCompleted([...fixed, f1, f2]));
    expect(new Set(yielded)).toEqual(new Set([...fixed, f1, f2]));
    expect(yielded).toHaveLength(5);
  });

  it('yields finished futures first (in the order given), then the rest in completion order', async () => {
    const a = new Future<string>();
    const b = new Future<string>();
    const c = new Future<string>();
    const doneFirst = futureIn('SUCCESSFUL');
    const doneSecond = futureIn('CANCELLED');
    const it = asCompleted([a, doneFirst, b, doneSecond, c]);
    const order: unknown[] = [];
    order.push((await it.next()).value, (await it.next()).value);
    c.setResult('c');
    order.push((await it.next()).value);
    a.setException(new Error('a'));
    b.setResult('b');
    order.push((await it.next()).value, (await it.next()).value);
    expect(order).toEqual([doneFirst, doneSecond, c, a, b]);
    expect((await it.next()).done).toBe(true);
  });

  it('yields the Future objects themselves, failed and cancelled ones included (API item 4)', async () => {
    const failed = futureIn('EXCEPTION');
    const cancelled = futureIn('CANCELLED');
    const running = executor.submit('gcd', 12, 18);
    for await (const f of asCompleted([failed, cancelled, running])) {
      expect(f).toBeInstanceOf(Future);
      expect([failed, cancelled, running]).toContain(f);
    }
    expect(await running).toBe(6);
  });

  it('a future given three times is yielded once (CPython test_duplicate_futures)', async () => {
    const f = executor.submit('sleep', 20);
    const repeated = (function* () {
      for (let i = 0; i < 3; i++) yield f;
    })();
    expect(await collect(asCompleted(repeated))).toEqual([f]);
  });

  it.each([0, 50])(
    'timeout %i ms: the finished ones, then TimeoutError naming how many are left (CPython test_future_times_out)',
    async (timeout) => {
      const already = [futureIn('CANCELLED_AND_NOTIFIED'), futureIn('EXCEPTION'), futureIn('SUCCESSFUL')];
      const slow = new Future();
      const seen = new Set<Future<unknown>>();
      const it = asCompleted([...already, slow, futureIn('PENDING')], { timeout });
      let error: unknown;
      try {
        for await (const f of it) seen.add(f);
      } catch (e) {
        error = e;
      }
      expect(seen).toEqual(new Set(already));
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toBe('2 (of 5) futures unfinished');
      // The iterator is finished after the timeout.
      expect((await it.next()).done).toBe(true);
      expect(slow.state).toBe('PENDING');
    },
  );

  it('the timeout counts from the call, not from the first next()', async () => {
    const slow = new Future();
    const it = asCompleted([futureIn('SUCCESSFUL'), slow], { timeout: 30 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await it.next()).done).toBe(false);
    const started = performance.now();
    await expect(it.next()).rejects.toThrow(TimeoutError);
    expect(performance.now() - started).toBeLessThan(25);
  });

  it('a future that finishes before the timeout is yielded, and no timeout follows', async () => {
    const f = executor.submit('gcd', 3, 9);
    expect(await collect(asCompleted([f], { timeout: 10_000 }))).toEqual([f]);
  });

  it('an early break stops observing; the futures are untouched', async () => {
    const a = futureIn('SUCCESSFUL');
    const b = new Future();
    for await (const f of asCompleted([a, b])) {
      expect(f).toBe(a);
      break;
    }
    b.setResult(1);
    expect(b.state).toBe('FINISHED');
  });

  it('next() called again before the last one settled: each call gets its own future (no lost wake-up)', async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const c = futureIn('SUCCESSFUL');
    const it = asCompleted([a, b, c]);
    const calls = [it.next(), it.next(), it.next(), it.next()];
    b.setResult(2);
    a.setResult(1);
    const results = await Promise.all(calls);
    expect(results.map((r) => r.value)).toEqual([c, b, a, undefined]);
    expect(results.map((r) => r.done)).toEqual([false, false, false, true]);
  });

  it('return() while a next() waits ends that next() too', async () => {
    const it = asCompleted([new Future()]);
    const waiting = it.next();
    await it.return?.();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });

  it('an empty iterable ends at once', async () => {
    expect(await collect(asCompleted([]))).toEqual([]);
  });

  it('bad input is refused at the call: non-iterable, non-Future, negative or NaN timeout', () => {
    expect(() => asCompleted(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => asCompleted([1] as never)).toThrow(/fs\[0\]/);
    expect(() => asCompleted([], { timeout: -5 })).toThrow(ValueError);
    expect(() => asCompleted([], { timeout: Number.NaN })).toThrow(ValueError);
    expect(() => asCompleted([], { timeout: '1' as never })).toThrow(TypeError);
  });
});
