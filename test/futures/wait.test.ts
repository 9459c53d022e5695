// wait() against CPython (Lib/test/test_concurrent_futures/test_wait.py), over a mix of
// executor futures and hand-made ones. Hand-made futures stand in for "a task that has not
// finished" so that nothing depends on timing. Deliberate deviation (docs/futures.md): a future
// cancelled before its executor noticed (CANCELLED) counts as done, where CPython leaves it in
// not_done until CANCELLED_AND_NOTIFIED.
import {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  NativePoolExecutor,
  ValueError,
  wait,
} from 'nogil/futures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { futureIn } from './states.js';

let executor: NativePoolExecutor;
beforeEach(() => {
  executor = new NativePoolExecutor({ maxWorkers: 2 });
});
afterEach(async () => {
  await executor.shutdown({ cancelFutures: true });
});

const set = <T>(...xs: T[]): Set<T> => new Set(xs);

describe('wait', () => {
  it('a future listed twice is one element of done (CPython test_20369)', async () => {
    const f = executor.submit('gcd', 1, 2);
    const { done, notDone } = await wait([f, f], { returnWhen: ALL_COMPLETED });
    expect(done).toEqual(set(f));
    expect(notDone).toEqual(set());
  });

  it('FIRST_COMPLETED returns when the first future finishes (CPython test_first_completed)', async () => {
    const f1 = executor.submit('gcd', 21, 14);
    const blocker = new Future();
    const { done, notDone } = await wait([f1, blocker], { returnWhen: FIRST_COMPLETED });
    expect(done).toEqual(set(f1));
    expect(notDone).toEqual(set(blocker));
    expect(await f1).toBe(7);
  });

  it('FIRST_COMPLETED with some already done returns them at once, cancelled ones included', async () => {
    const notified = futureIn('CANCELLED_AND_NOTIFIED');
    const cancelled = futureIn('CANCELLED');
    const ok = futureIn('SUCCESSFUL');
    const blocker = executor.submit('sleep', 200);
    const { done, notDone } = await wait([notified, cancelled, ok, blocker], { returnWhen: FIRST_COMPLETED });
    expect(done).toEqual(set(notified, cancelled, ok));
    expect(notDone).toEqual(set(blocker));
  });

  it('FIRST_COMPLETED counts a cancel() that happens during the wait', async () => {
    const a = new Future();
    const b = new Future();
    const waiting = wait([a, b], { returnWhen: FIRST_COMPLETED });
    b.cancel();
    const { done, notDone } = await waiting;
    expect(done).toEqual(set(b));
    expect(notDone).toEqual(set(a));
  });

  it('FIRST_EXCEPTION returns at the first failure, not before (CPython test_first_exception)', async () => {
    const f1 = executor.submit('gcd', 2, 21);
    const f2 = new Future<number>();
    const f3 = new Future<number>();
    // f2 fails only once f1 has finished: the wait must not return at f1.
    f1.addDoneCallback(() => f2.setException(new Error('this is an exception')));
    const { done, notDone } = await wait([f1, f2, f3], { returnWhen: FIRST_EXCEPTION });
    expect(done).toEqual(set(f1, f2));
    expect(notDone).toEqual(set(f3));
  });

  it('FIRST_EXCEPTION with some already complete (CPython test_first_exception_some_already_complete)', async () => {
    const ok = futureIn('SUCCESSFUL');
    const cancelled = futureIn('CANCELLED');
    const notified = futureIn('CANCELLED_AND_NOTIFIED');
    const failing = new Future();
    const blocker = new Future();
    const waiting = wait([ok, cancelled, notified, failing, blocker], { returnWhen: FIRST_EXCEPTION });
    failing.setException(new RangeError('divide by zero'));
    const { done, notDone } = await waiting;
    expect(done).toEqual(set(ok, cancelled, notified, failing));
    expect(notDone).toEqual(set(blocker));
  });

  it('FIRST_EXCEPTION with one already failed returns at once (CPython test_first_exception_one_already_failed)', async () => {
    const failed = futureIn('EXCEPTION');
    const blocker = executor.submit('sleep', 200);
    const { done, notDone } = await wait([failed, blocker], { returnWhen: FIRST_EXCEPTION });
    expect(done).toEqual(set(failed));
    expect(notDone).toEqual(set(blocker));
  });

  it('FIRST_EXCEPTION without any failure waits for all; a cancel is not an exception', async () => {
    const fs = [executor.submit('gcd', 4, 6), executor.submit('sleep', 30), new Future<unknown>()];
    const waiting = wait(fs, { returnWhen: FIRST_EXCEPTION });
    fs[2]!.cancel();
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set(fs));
    expect(notDone.size).toBe(0);
  });

  it('FIRST_EXCEPTION counts a falsy exception (CPython gh-132063)', async () => {
    const falsy = new Future();
    const blocker = new Future();
    const waiting = wait([falsy, blocker], { returnWhen: FIRST_EXCEPTION });
    falsy.setException(0);
    expect((await waiting).done).toEqual(set(falsy));
  });

  it('ALL_COMPLETED (the default) waits for every future (CPython test_all_completed)', async () => {
    const ok = futureIn('SUCCESSFUL');
    const notified = futureIn('CANCELLED_AND_NOTIFIED');
    const failed = futureIn('EXCEPTION');
    const f1 = executor.submit('bruteGcd', 2, 0);
    const f2 = executor.submit('gcd', 2, 21);
    const later = new Future();
    setTimeout(() => later.setResult('x'), 10);
    const { done, notDone } = await wait([ok, notified, failed, f1, f2, later]);
    expect(done).toEqual(set(ok, notified, failed, f1, f2, later));
    expect(notDone).toEqual(set());
    expect(await f1).toBe(1);
  });

  it('timeout returns what is done by then, without an error (CPython test_timeout)', async () => {
    const notified = futureIn('CANCELLED_AND_NOTIFIED');
    const failed = futureIn('EXCEPTION');
    const ok = futureIn('SUCCESSFUL');
    const blocker = new Future();
    const started = performance.now();
    const { done, notDone } = await wait([notified, failed, ok, blocker], { timeout: 50, returnWhen: ALL_COMPLETED });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(done).toEqual(set(notified, failed, ok));
    expect(notDone).toEqual(set(blocker));
  });

  it('timeout 0 is a poll: it returns at once with the current split', async () => {
    const running = executor.submit('sleep', 100);
    const ok = futureIn('SUCCESSFUL');
    const { done, notDone } = await wait([running, ok], { timeout: 0 });
    expect(done).toEqual(set(ok));
    expect(notDone).toEqual(set(running));
  });

  it('an empty list resolves at once to two empty sets', async () => {
    const { done, notDone } = await wait([]);
    expect(done.size + notDone.size).toBe(0);
  });

  it('accepts any iterable (a Set, a generator) of futures', async () => {
    const a = futureIn('SUCCESSFUL');
    const b = executor.submit('gcd', 9, 6);
    function* gen(): Generator<Future<unknown>> {
      yield a;
      yield b;
    }
    expect((await wait(new Set([a, b]))).done).toEqual(set(a, b));
    expect((await wait(gen())).done).toEqual(set(a, b));
  });

  it('100 futures settled in one tick all land in done (CPython test_pending_calls_race)', async () => {
    for (let round = 0; round < 20; round++) {
      const fs = Array.from({ length: 100 }, () => new Future<number>());
      const waiting = wait(fs, { returnWhen: ALL_COMPLETED });
      for (const [i, f] of fs.entries()) f.setResult(i);
      const { done, notDone } = await waiting;
      expect(done.size).toBe(100);
      expect(notDone.size).toBe(0);
    }
  });

  it('does not settle or cancel the futures it waits for', async () => {
    const blocker = new Future();
    await wait([blocker], { timeout: 5 });
    expect(blocker.state).toBe('PENDING');
  });

  it('bad input: TypeError for a non-iterable or a non-Future, ValueError for a negative timeout', async () => {
    await expect(wait(5 as never)).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    await expect(wait([new Future(), {} as never])).rejects.toThrow(/fs\[1\]/);
    await expect(wait([futureIn('SUCCESSFUL')], { timeout: -1 })).rejects.toThrow(ValueError);
    await expect(wait([], { returnWhen: 'FIRST' as never })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
    });
    await expect(wait([], null as never)).rejects.toThrow(TypeError);
  });
});
