// Waiting on shared memory without blocking the event loop, and the keep-alive that makes it
// safe.
//
// `Atomics.waitAsync` does not keep a Node event loop alive (nodejs/node#61941): a process whose
// only work is `await lock.acquire()` would exit in the middle of the wait. Every async wait
// therefore holds one reference on a single ref'd interval for as long as it is pending; the
// interval is unref'd again when no wait is pending, so an idle process still exits.
import { isMainThread } from 'node:worker_threads';
import { watchAbort } from '../internal/abort.js';
import { atomicsWaitAsync } from '../internal/es2024.js';
import { RuntimeError } from '../internal/python-errors.js';

/** What `Atomics.wait` / `Atomics.waitAsync` report. */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

/** Whether this is the process's main thread (whose event loop must never block). */
export const onMainThread: boolean = isMainThread;

let pending = 0;
let handle: ReturnType<typeof setInterval> | undefined;
// Never fires in practice; exists only to be ref'd while a wait is pending.
const noop = (): void => {};

/** Holds the event loop open until the matching `releaseKeepAlive()`. */
export function holdKeepAlive(): void {
  if (pending++ === 0) {
    if (handle === undefined) handle = setInterval(noop, 0x3fffffff);
    else handle.ref();
  }
}

/** Drops one hold taken by `holdKeepAlive()`. */
export function releaseKeepAlive(): void {
  if (--pending === 0) handle?.unref();
}

/** How many async waits are pending on this thread (tests check it drops back to 0). */
export function pendingWaits(): number {
  return pending;
}

/**
 * `Atomics.waitAsync` with the keep-alive held while the wait is pending. `timeout` is in
 * milliseconds (`Infinity` for none). An abort of `signal` ends the sleep at once (it wakes every
 * sleeper on the word: they all re-check their condition, as after any spurious wake-up), so the
 * caller's loop sees `signal.aborted`; an aborted signal does not sleep at all.
 */
export function waitAsync(
  arr: Int32Array,
  index: number,
  value: number,
  timeout: number,
  signal?: AbortSignal,
): Promise<WaitResult> {
  if (signal?.aborted) return Promise.resolve('timed-out');
  const r = atomicsWaitAsync(arr, index, value, timeout);
  if (!r.async) return Promise.resolve(r.value);
  holdKeepAlive();
  if (signal === undefined) return r.value.then(settle, settleError);
  const wake = (): void => {
    Atomics.notify(arr, index);
  };
  const unwatch = watchAbort(signal, wake);
  return r.value.then(
    (v) => {
      unwatch();
      return settle(v);
    },
    (e: unknown) => {
      unwatch();
      return settleError(e);
    },
  );
}

function settle(v: 'ok' | 'timed-out'): WaitResult {
  releaseKeepAlive();
  return v;
}

function settleError(e: unknown): never {
  releaseKeepAlive();
  throw e;
}

/** `Atomics.wait`: blocks this thread (only ever called from workers, or for internal µs waits). */
export function waitSync(arr: Int32Array, index: number, value: number, timeout: number): WaitResult {
  return Atomics.wait(arr, index, value, timeout);
}

/** A monotonic clock in milliseconds. */
export const now: () => number = performance.now.bind(performance);

/** The absolute deadline of a relative timeout in ms (`Infinity` stays `Infinity`). */
export function deadlineOf(timeout: number): number {
  return timeout === Number.POSITIVE_INFINITY ? timeout : now() + timeout;
}

/** Milliseconds left until `deadline` (may be <= 0; `Infinity` for no deadline). */
export function remainingUntil(deadline: number): number {
  return deadline === Number.POSITIVE_INFINITY ? deadline : deadline - now();
}

/**
 * The `...Sync` guard (API detail 1): on the main thread a blocking call always throws, even when
 * it would not have blocked, because blocking the event loop is never what a user wants.
 */
export function assertMayBlock(what: string, asyncTwin: string): void {
  if (onMainThread) {
    throw new RuntimeError(
      `${what}() cannot be used on the main thread: it would block the event loop. ` +
        `Use \`await ${asyncTwin}()\` there; the ...Sync methods are for worker threads.`,
    );
  }
}
