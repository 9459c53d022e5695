// The rejection of an aborted wait or task, shaped like Node's own AbortError: `name:
// 'AbortError'`, `code: 'ABORT_ERR'`, the signal's reason as `cause`.
import { withCode } from './errors.js';

/** The AbortError of an aborted `signal` (its reason as `cause`). */
export function abortError(signal: AbortSignal): Error {
  return abortErrorWith(signal.reason);
}

/** An AbortError whose `cause` is `reason`, with a message of its own. */
export function abortErrorWith(reason: unknown, message = 'The operation was aborted'): Error {
  const error = new Error(message, { cause: reason });
  Object.defineProperty(error, 'name', { value: 'AbortError', enumerable: false, writable: true, configurable: true });
  return withCode(error, 'ABORT_ERR');
}

// One 'abort' listener per signal, shared by every wait and task of this copy of nogil that
// watches it. Why: a signal shared by many tasks (`submitWith({ signal })` over a batch, one
// signal for a whole request) would otherwise carry one listener per task, and Node prints a
// MaxListenersExceededWarning ("possible memory leak") from the 11th on.
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

function dispatch(this: AbortSignal): void {
  const set = watchers.get(this);
  if (!set) return;
  watchers.delete(this);
  for (const fn of set) {
    try {
      fn();
    } catch (error) {
      // As an EventTarget listener's exception: reported, and the other watchers still run.
      process.nextTick(() => {
        throw error;
      });
    }
  }
}

/**
 * Calls `fn` once when `signal` aborts (not if it already has); returns the function that stops
 * watching. Every watcher of one signal shares one listener on it.
 */
export function watchAbort(signal: AbortSignal, fn: () => void): () => void {
  let set = watchers.get(signal);
  if (!set) {
    set = new Set();
    watchers.set(signal, set);
    signal.addEventListener('abort', dispatch, { once: true });
  }
  // A fresh function per watch, so that the same `fn` twice is two watchers (as two calls).
  const entry = (): void => fn();
  set.add(entry);
  const watching = set;
  return () => {
    // From the set it joined: during a dispatch (which has detached the set), a watcher that
    // stops watching is skipped by the loop, as a removed EventTarget listener would be.
    if (!watching.delete(entry) || watching.size > 0 || watchers.get(signal) !== watching) return;
    watchers.delete(signal);
    signal.removeEventListener('abort', dispatch);
  };
}
