// One algorithm, two ways to wait: blocking primitives with an internal mutex (Barrier, the
// queues) write each operation once, as a generator that yields whenever it must sleep; a sync
// driver blocks the worker with `Atomics.wait`, an async driver awaits `Atomics.waitAsync`.
//
// Protocol: before yielding a `Sleep` the generator has read `arr[index]` (== `value`) and
// released its internal mutex; when resumed it takes the mutex again itself. Because the
// word is read under the mutex and every writer bumps it under the mutex before notifying, a
// wake-up between the release and the sleep is never lost (the sleep sees a changed value).
import { remainingUntil, waitAsync, waitSync } from './wait.js';

/** A request to sleep on `arr[index]` while it equals `value`, until `deadline` (absolute ms). */
export interface Sleep {
  readonly arr: Int32Array;
  readonly index: number;
  readonly value: number;
  readonly deadline: number;
}

// How many times a blocking waiter re-reads the word before it sleeps in the kernel: when the
// other side is busy on another core (a producer feeding a consumer), the change usually comes
// within microseconds, and a futex sleep plus wake-up costs more than that.
const SPINS = 2_000;

/** Runs an operation, blocking the thread for each sleep. */
export function driveSync<T>(op: Generator<Sleep, T, void>): T {
  for (let r = op.next(); ; r = op.next()) {
    if (r.done) return r.value;
    const { arr, index, value, deadline } = r.value;
    let changed = false;
    for (let i = 0; i < SPINS; i++) {
      if (Atomics.load(arr, index) !== value) {
        changed = true;
        break;
      }
    }
    if (changed) continue;
    const left = remainingUntil(deadline);
    if (left > 0) waitSync(arr, index, value, left);
  }
}

/**
 * Runs an operation, awaiting each sleep without blocking the event loop. An abort of `signal`
 * ends the current sleep at once; the operation itself checks `signal.aborted` with its deadline
 * (abort.ts) and must not sleep again once it is aborted.
 */
export async function driveAsync<T>(op: Generator<Sleep, T, void>, signal?: AbortSignal): Promise<T> {
  for (let r = op.next(); ; r = op.next()) {
    if (r.done) return r.value;
    const { arr, index, value, deadline } = r.value;
    const left = remainingUntil(deadline);
    if (left > 0) await waitAsync(arr, index, value, left, signal);
  }
}
