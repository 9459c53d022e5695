// Future against CPython's semantics (Lib/test/test_concurrent_futures/test_future.py): every
// state and transition, result/exception with timeouts, cancel only while pending, done
// callbacks, awaiting, and the executor-author API of API item 23.
import { CancelledError, Future, InvalidStateError, RuntimeError, TimeoutError, ValueError } from 'nogil/futures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runNode } from '../helpers/node-child.js';
import { captureWarnings } from '../helpers/warnings.js';
import { futureIn, nextMacrotask } from './states.js';

const STATES = ['PENDING', 'RUNNING', 'CANCELLED', 'CANCELLED_AND_NOTIFIED', 'EXCEPTION', 'SUCCESSFUL'] as const;

describe('Future states (CPython test_done/test_running/test_cancelled)', () => {
  it.each([
    // state, .state, done, running, cancelled
    ['PENDING', 'PENDING', false, false, false],
    ['RUNNING', 'RUNNING', false, true, false],
    ['CANCELLED', 'CANCELLED', true, false, true],
    ['CANCELLED_AND_NOTIFIED', 'CANCELLED_AND_NOTIFIED', true, false, true],
    ['EXCEPTION', 'FINISHED', true, false, false],
    ['SUCCESSFUL', 'FINISHED', true, false, false],
  ] as const)('%s: state %s, done %s, running %s, cancelled %s', (made, state, done, running, cancelled) => {
    const f = futureIn(made);
    expect(f.state).toBe(state);
    expect(f.done()).toBe(done);
    expect(f.running()).toBe(running);
    expect(f.cancelled()).toBe(cancelled);
  });

  it('repr-like toString names the state and, when finished, what it returned or raised', () => {
    expect(String(futureIn('PENDING'))).toMatch(/^Future<\d+ state=pending>$/);
    expect(String(futureIn('RUNNING'))).toMatch(/^Future<\d+ state=running>$/);
    expect(String(futureIn('CANCELLED'))).toMatch(/^Future<\d+ state=cancelled>$/);
    expect(String(futureIn('CANCELLED_AND_NOTIFIED'))).toMatch(/^Future<\d+ state=cancelled_and_notified>$/);
    expect(String(futureIn('EXCEPTION'))).toMatch(/^Future<\d+ state=finished raised RangeError>$/);
    expect(String(futureIn('SUCCESSFUL'))).toMatch(/^Future<\d+ state=finished returned number>$/);
    expect(Object.prototype.toString.call(new Future())).toBe('[object Future]');
  });
});

describe('cancel() succeeds only while pending (CPython test_cancel)', () => {
  it.each([
    ['PENDING', true, 'CANCELLED'],
    ['RUNNING', false, 'RUNNING'],
    ['CANCELLED', true, 'CANCELLED'],
    ['CANCELLED_AND_NOTIFIED', true, 'CANCELLED_AND_NOTIFIED'],
    ['EXCEPTION', false, 'FINISHED'],
    ['SUCCESSFUL', false, 'FINISHED'],
  ] as const)('%s: cancel() is %s, state after: %s', (made, ok, after) => {
    const f = futureIn(made);
    expect(f.cancel()).toBe(ok);
    expect(f.state).toBe(after);
  });

  it('a cancelled future stays cancelled: setResult/setException are InvalidStateError', () => {
    const f = futureIn('CANCELLED');
    expect(() => f.setResult(1)).toThrow(InvalidStateError);
    expect(() => f.setException(new Error('x'))).toThrow(InvalidStateError);
    expect(f.cancelled()).toBe(true);
  });
});

describe('transitions for executor authors (API item 23)', () => {
  it('PENDING -> RUNNING -> FINISHED with a result', async () => {
    const f = new Future<string>();
    expect(f.setRunningOrNotifyCancel()).toBe(true);
    expect(f.state).toBe('RUNNING');
    expect(f.cancel()).toBe(false);
    f.setResult('ok');
    expect(f.state).toBe('FINISHED');
    expect(await f.result()).toBe('ok');
  });

  it('PENDING -> FINISHED directly (setResult and setException need no RUNNING first)', async () => {
    const a = new Future<number>();
    a.setResult(1);
    expect(a.state).toBe('FINISHED');
    const b = new Future<number>();
    const error = new TypeError('bad');
    b.setException(error);
    expect(b.state).toBe('FINISHED');
    expect(await b.exception()).toBe(error);
  });

  it('CANCELLED -> CANCELLED_AND_NOTIFIED: setRunningOrNotifyCancel() returns false', () => {
    const f = new Future();
    f.cancel();
    expect(f.setRunningOrNotifyCancel()).toBe(false);
    expect(f.state).toBe('CANCELLED_AND_NOTIFIED');
  });

  it.each(['RUNNING', 'CANCELLED_AND_NOTIFIED', 'EXCEPTION', 'SUCCESSFUL'] as const)(
    'setRunningOrNotifyCancel() on %s is an InvalidStateError (and the RuntimeError CPython raises)',
    (made) => {
      const f = futureIn(made);
      const before = f.state;
      expect(() => f.setRunningOrNotifyCancel()).toThrow(InvalidStateError);
      expect(() => f.setRunningOrNotifyCancel()).toThrow(RuntimeError);
      expect(f.state).toBe(before);
    },
  );

  it('a second setResult/setException is an InvalidStateError and keeps the first outcome (CPython test_multiple_set_*)', async () => {
    const f = new Future<number>();
    f.setResult(1);
    expect(() => f.setResult(2)).toThrow(InvalidStateError);
    expect(() => f.setException(new Error('late'))).toThrow(InvalidStateError);
    expect(await f.result()).toBe(1);
    const g = new Future<number>();
    const first = new ValueError('first');
    g.setException(first);
    let caught: unknown;
    try {
      g.setException(new Error('second'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidStateError);
    expect((caught as InvalidStateError).code).toBe('ERR_FUTURE_INVALID_STATE');
    expect((caught as Error).message).toMatch(/already done \(FINISHED\)/);
    expect(await g.exception()).toBe(first);
  });
});

describe('result(timeout) and exception(timeout)', () => {
  it('with timeout 0 (CPython test_result_with_timeout)', async () => {
    await expect(futureIn('PENDING').result(0)).rejects.toThrow(TimeoutError);
    await expect(futureIn('RUNNING').result(0)).rejects.toThrow(TimeoutError);
    await expect(futureIn('CANCELLED').result(0)).rejects.toThrow(CancelledError);
    await expect(futureIn('CANCELLED_AND_NOTIFIED').result(0)).rejects.toThrow(CancelledError);
    await expect(futureIn('EXCEPTION').result(0)).rejects.toThrow(RangeError);
    await expect(futureIn('SUCCESSFUL').result(0)).resolves.toBe(42);
  });

  it('exception() with timeout 0 (CPython test_exception_with_timeout): null on success', async () => {
    await expect(futureIn('PENDING').exception(0)).rejects.toThrow(TimeoutError);
    await expect(futureIn('RUNNING').exception(0)).rejects.toThrow(TimeoutError);
    await expect(futureIn('CANCELLED').exception(0)).rejects.toThrow(CancelledError);
    await expect(futureIn('CANCELLED_AND_NOTIFIED').exception(0)).rejects.toThrow(CancelledError);
    expect(await futureIn('EXCEPTION').exception(0)).toBeInstanceOf(RangeError);
    expect(await futureIn('SUCCESSFUL').exception(0)).toBeNull();
  });

  it('the TimeoutError has a code, and the future goes on: it can still finish and be read', async () => {
    const f = futureIn('RUNNING');
    const error = await f.result(20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('ERR_FUTURE_TIMEOUT');
    expect((error as Error).message).toMatch(/within 20 ms/);
    expect(f.state).toBe('RUNNING');
    f.setResult(7);
    expect(await f.result(0)).toBe(7);
  });

  it('waits for a result set later (CPython test_result_with_success)', async () => {
    const f = new Future<number>();
    setTimeout(() => f.setResult(42), 20);
    expect(await f.result(5000)).toBe(42);
  });

  it('a cancel while waiting rejects the wait with CancelledError (CPython test_result_with_cancel)', async () => {
    const f = new Future<number>();
    const waiting = f.result(5000);
    const excWaiting = f.exception();
    f.cancel();
    await expect(waiting).rejects.toThrow(CancelledError);
    await expect(excWaiting).rejects.toThrow(CancelledError);
  });

  it('exception() waits for an exception set later (CPython test_exception_with_success)', async () => {
    const f = new Future();
    const error = new Error('later');
    setTimeout(() => f.setException(error), 20);
    expect(await f.exception(5000)).toBe(error);
  });

  it('undefined and null wait without limit; many waiters all see the outcome', async () => {
    const f = new Future<number>();
    const waits = [f.result(), f.result(null), f.result(undefined), f.exception()];
    f.setResult(3);
    expect(await Promise.all(waits)).toEqual([3, 3, 3, null]);
  });

  it('a timeout longer than setTimeout takes (2^31 ms) neither fires at once nor warns', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const f = new Future<number>();
      const waiting = f.result(2 ** 31 + 1000);
      await nextMacrotask();
      expect(f.done()).toBe(false);
      f.setResult(5);
      expect(await waiting).toBe(5);
      await nextMacrotask();
      expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it.each([
    [-1, ValueError],
    [Number.NaN, ValueError],
    ['5', TypeError],
    [2 ** 53, RangeError],
  ])('timeout %s is a %s', async (timeout, Cls) => {
    const f = futureIn('SUCCESSFUL');
    await expect(f.result(timeout as number)).rejects.toThrow(Cls);
    await expect(f.exception(timeout as number)).rejects.toThrow(Cls);
  });

  it('a falsy exception (0, "", null, undefined) still fails the future (CPython gh-132063)', async () => {
    for (const value of [0, '', null, undefined, false]) {
      const f = new Future();
      f.setException(value);
      expect(f.done()).toBe(true);
      await expect(f.result()).rejects.toBe(value);
      let threw = false;
      try {
        await f;
      } catch (error) {
        threw = true;
        expect(error).toBe(value);
      }
      expect(threw).toBe(true);
    }
  });

  it('a waiting result(timeout) leaves no timer behind: the process exits as soon as it resolves', async () => {
    const child = await runNode(`
      import { Future, wait } from 'nogil/futures';
      const f = new Future();
      setTimeout(() => f.setResult('done'), 20);
      console.log(await f.result(3_600_000));
      const g = new Future();
      setTimeout(() => g.setResult(1), 20);
      await wait([g], { timeout: 3_600_000 });
      console.log('waited');
    `);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('done\nwaited\n');
    expect(child.code).toBe(0);
    expect(child.ms).toBeLessThan(20_000);
  });
});

describe('addDoneCallback', () => {
  let warnings: Error[];
  let capture: ReturnType<typeof captureWarnings>;
  beforeEach(() => {
    capture = captureWarnings();
    warnings = capture.warnings;
  });
  afterEach(() => {
    capture.stop();
  });

  it('runs with the future once it has a result, an exception, or is cancelled (synchronously)', async () => {
    const seen: unknown[] = [];
    const a = new Future<number>();
    a.addDoneCallback((f) => {
      expect(f).toBe(a);
      seen.push(['result', f.state]);
    });
    a.setResult(5);
    const b = new Future<number>();
    b.addDoneCallback((f) => seen.push(['exception', f.state]));
    b.setException(new Error('test'));
    const c = new Future<number>();
    c.addDoneCallback((f) => seen.push(['cancel', f.cancelled()]));
    expect(c.cancel()).toBe(true);
    expect(seen).toEqual([
      ['result', 'FINISHED'],
      ['exception', 'FINISHED'],
      ['cancel', true],
    ]);
    expect(await a.result()).toBe(5);
    expect(((await b.exception()) as Error).message).toBe('test');
  });

  it.each(['CANCELLED', 'CANCELLED_AND_NOTIFIED', 'EXCEPTION', 'SUCCESSFUL'] as const)(
    'on an already-done future (%s) it runs at once, synchronously',
    (made) => {
      const f = futureIn(made);
      let calls = 0;
      f.addDoneCallback((g) => {
        expect(g).toBe(f);
        calls++;
      });
      expect(calls).toBe(1);
    },
  );

  it('callbacks run once each, in registration order; a late cancel() or second setter calls none again', () => {
    const order: number[] = [];
    const f = new Future();
    for (let i = 0; i < 5; i++) f.addDoneCallback(() => order.push(i));
    f.setRunningOrNotifyCancel();
    expect(order).toEqual([]);
    f.setResult(null);
    expect(f.cancel()).toBe(false);
    expect(() => f.setResult(1)).toThrow(InvalidStateError);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('a throwing callback is reported as a warning, not thrown, and the others still run (CPython test_done_callback_raises)', async () => {
    const called: string[] = [];
    const f = new Future<number>();
    f.addDoneCallback(() => {
      called.push('raising');
      throw new Error('doh!');
    });
    f.addDoneCallback(() => called.push('fn'));
    expect(() => f.setResult(5)).not.toThrow();
    expect(called).toEqual(['raising', 'fn']);
    expect(await f.result()).toBe(5);
    await nextMacrotask();
    expect(warnings).toHaveLength(1);
    const [w] = warnings;
    expect(w!.name).toBe('NogilWarning');
    expect((w as Error & { code?: string }).code).toBe('NOGIL_FUTURE_CALLBACK');
    expect(w!.message).toMatch(/exception calling callback for Future<\d+ state=finished returned number>/);
    expect(w!.message).toContain('doh!');
  });

  it('a throwing callback on an already-done future is reported too (CPython test_done_callback_raises_already_succeeded)', async () => {
    const f = futureIn('SUCCESSFUL');
    expect(() =>
      f.addDoneCallback(() => {
        throw new Error('doh!');
      }),
    ).not.toThrow();
    await nextMacrotask();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/exception calling callback for .*doh!/s);
  });

  it('a throwing callback during cancel() does not stop cancel from succeeding', async () => {
    const f = new Future();
    f.addDoneCallback(() => {
      throw new TypeError('cb');
    });
    expect(f.cancel()).toBe(true);
    await expect(f.result()).rejects.toThrow(CancelledError);
    await nextMacrotask();
    expect(warnings).toHaveLength(1);
  });

  it('a non-function is a TypeError ERR_INVALID_ARG_TYPE', () => {
    const f = new Future();
    expect(() => f.addDoneCallback('x' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => f.addDoneCallback(undefined as never)).toThrow(TypeError);
  });
});

describe('a Future is awaitable', () => {
  it('await gives the result; then/catch/finally behave like a Promise', async () => {
    const f = new Future<number>();
    setTimeout(() => f.setResult(9), 5);
    expect(await f).toBe(9);
    expect(await f.then((v) => v * 2)).toBe(18);
    let finallyRan = false;
    expect(
      await f.finally(() => {
        finallyRan = true;
      }),
    ).toBe(9);
    expect(finallyRan).toBe(true);
    expect(await Promise.all([f, Promise.resolve(1)])).toEqual([9, 1]);
  });

  it('await throws the exception itself, or CancelledError with code ERR_FUTURE_CANCELLED', async () => {
    const failed = futureIn('EXCEPTION');
    await expect(failed).rejects.toThrow('boom');
    expect(await failed.catch((e: unknown) => (e as Error).message)).toBe('boom');
    const cancelled = futureIn('CANCELLED');
    const error = await cancelled.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).code).toBe('ERR_FUTURE_CANCELLED');
  });

  it('awaiting never settles a pending future by itself and never rejects unhandled', async () => {
    const f = new Future<number>();
    void f.then(() => {});
    await nextMacrotask();
    expect(f.state).toBe('PENDING');
  });

  it.each(STATES)('works in every state: %s', async (made) => {
    const f = futureIn(made);
    if (made === 'PENDING' || made === 'RUNNING') {
      f.setResult(1);
      expect(await f).toBe(1);
    } else if (made === 'SUCCESSFUL') {
      expect(await f).toBe(42);
    } else {
      await expect(f).rejects.toBeInstanceOf(made === 'EXCEPTION' ? RangeError : CancelledError);
    }
  });
});
