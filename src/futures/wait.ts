// wait() and asCompleted(): Python's module functions over futures of any executors (or none:
// hand-made futures work too). Both observe futures through `kObserve`, which also fires for a
// cancelled future: unlike CPython, a future cancelled before its executor noticed
// (CANCELLED, not yet CANCELLED_AND_NOTIFIED) counts as done here, so `wait` never hangs on it.
import { invalidArgType, invalidArgValue } from '../internal/validate.js';
import { TimeoutError } from './errors.js';
import { Future, kFailed, kObserve } from './future.js';
import { serialized } from './serial.js';
import { longTimeout, timeoutOf } from './timeout.js';

/** `wait` returns when any future finishes or is cancelled. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** `wait` returns when any future finishes with an exception (or all are done). */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** `wait` returns when every future is done (the default). */
export const ALL_COMPLETED = 'ALL_COMPLETED';

/** When `wait` returns. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options of {@link wait}. */
export interface FutureWaitOptions {
  /** Give up after this many ms and return what is done by then (default: no limit). */
  timeout?: number | null | undefined;
  /** @default ALL_COMPLETED */
  returnWhen?: ReturnWhen | undefined;
}

/** What {@link wait} resolves to: the futures given, split in two Sets. */
export interface WaitResult<F extends Future<unknown> = Future<unknown>> {
  readonly done: Set<F>;
  readonly notDone: Set<F>;
}

function futuresOf<F extends Future<unknown>>(fs: unknown, name: string): Set<F> {
  if (fs === null || typeof fs !== 'object' || typeof (fs as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw invalidArgType(name, 'an iterable of Futures', fs);
  }
  const set = new Set<F>();
  let i = 0;
  for (const f of fs as Iterable<unknown>) {
    if (!(f instanceof Future)) throw invalidArgType(`${name}[${i}]`, 'an instance of Future', f);
    set.add(f as F);
    i++;
  }
  return set;
}

function failed(f: Future<unknown>): boolean {
  return f.done() && !f.cancelled() && f[kFailed]();
}

function satisfied<F extends Future<unknown>>(returnWhen: ReturnWhen, done: Set<F>, notDone: Set<F>): boolean {
  if (notDone.size === 0) return true;
  if (returnWhen === FIRST_COMPLETED) return done.size > 0;
  if (returnWhen === FIRST_EXCEPTION) for (const f of done) if (failed(f)) return true;
  return false;
}

/**
 * Waits for the futures (Python's `concurrent.futures.wait`): resolves to `{ done, notDone }`
 * (Sets) once `returnWhen` holds or `timeout` ms passed (a timeout is not an error here).
 *
 * @example
 * const { done, notDone } = await wait(futures, { timeout: 1000, returnWhen: FIRST_COMPLETED });
 */
export async function wait<F extends Future<unknown>>(
  fs: Iterable<F>,
  options: FutureWaitOptions = {},
): Promise<WaitResult<F>> {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const all = futuresOf<F>(fs, 'fs');
  const ms = timeoutOf(options.timeout, 'options.timeout');
  const returnWhen = options.returnWhen ?? ALL_COMPLETED;
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw invalidArgValue(
      'options.returnWhen',
      returnWhen,
      'must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED',
    );
  }
  const done = new Set<F>();
  const notDone = new Set<F>();
  for (const f of all) (f.done() ? done : notDone).add(f);
  if (satisfied(returnWhen, done, notDone) || ms === 0) return { done, notDone };

  const timer = longTimeout(ms);
  const unsubscribe: Array<() => void> = [];
  try {
    await new Promise<void>((resolve) => {
      timer.expired.then(() => resolve());
      for (const f of notDone) {
        unsubscribe.push(
          f[kObserve](() => {
            if (!notDone.delete(f)) return;
            done.add(f);
            if (satisfied(returnWhen, done, notDone)) resolve();
          }),
        );
      }
    });
  } finally {
    timer.clear();
    for (const off of unsubscribe) off();
  }
  // Futures may have finished after the last observer ran (never on one thread, but cheap).
  for (const f of [...notDone]) {
    if (f.done()) {
      notDone.delete(f);
      done.add(f);
    }
  }
  return { done, notDone };
}

/**
 * A future as `asCompleted` yields it: the `Future` itself, typed without `then`. TypeScript
 * types `for await (const f of ...)` as the *awaited* element, which would make a yielded
 * future its result type (`number` for `Future<number>`) although the loop gets the Future;
 * hiding `then` keeps `f` a Future in the loop (`f.result()`, `Map<Future<T>, ...>.get(f)`).
 */
export type YieldedFuture<T> = Future<T> & { readonly then: never };

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /** The iteration throws `TimeoutError` if futures are still unfinished this many ms after the call. */
  timeout?: number | null | undefined;
}

/**
 * Yields the futures as they complete (Python's `as_completed`): finished ones first, each
 * future once (duplicates are yielded once), the `Future` objects themselves (not their
 * results). With `timeout`, the iteration throws `TimeoutError` once that many ms have passed
 * since the call with futures still unfinished.
 *
 * @example
 * for await (const f of asCompleted(futures)) console.log(await f.result());
 */
export function asCompleted<F extends Future<unknown>>(
  fs: Iterable<F>,
  options: AsCompletedOptions = {},
): AsyncIterableIterator<F & { readonly then: never }> {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const all = futuresOf<F>(fs, 'fs');
  const ms = timeoutOf(options.timeout, 'options.timeout');
  const total = all.size;
  const ready: F[] = [];
  const pending = new Set<F>();
  for (const f of all) {
    if (f.done()) ready.push(f);
    else pending.add(f);
  }
  let wake: (() => void) | undefined;
  const unsubscribe: Array<() => void> = [];
  for (const f of pending) {
    unsubscribe.push(
      f[kObserve](() => {
        if (!pending.delete(f)) return;
        ready.push(f);
        wake?.();
      }),
    );
  }
  const timer = longTimeout(pending.size === 0 ? Number.POSITIVE_INFINITY : ms);
  let expired = false;
  timer.expired.then(() => {
    expired = true;
    wake?.();
  });
  let finished = false;
  const close = (): void => {
    finished = true;
    timer.clear();
    for (const off of unsubscribe) off();
    pending.clear();
    // A next() waiting now sees `finished` and ends.
    wake?.();
  };
  type Yielded = F & { readonly then: never };
  const step = async (): Promise<IteratorResult<Yielded>> => {
    while (!finished) {
      const f = ready.shift();
      if (f) return { value: f as Yielded, done: false };
      if (pending.size === 0) break;
      if (expired) {
        const left = pending.size;
        close();
        throw new TimeoutError(`${left} (of ${total}) futures unfinished`);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    close();
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<Yielded> = {
    next: serialized(step),
    async return(): Promise<IteratorResult<Yielded>> {
      close();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
