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

// After SPINS, a blocking waiter keeps watching for up to SPIN_MS before it sleeps in the
// kernel: on a VM an idle vCPU halts, and a futex wake-up there took 100-300 µs, while the other
// side of a busy queue (a consumer freeing room) acts within tens of microseconds.
const SPIN_MS = 0.05;

// Re-reads the word until it changes (true), or until SPIN_MS or the deadline has passed (false).
function spinUntilChanged(arr: Int32Array, index: number, value: number, deadline: number): boolean {
  for (let i = 0; i < SPINS; i++) if (Atomics.load(arr, index) !== value) return true;
  const until = Math.min(performance.now() + SPIN_MS, deadline);
  while (performance.now() < until) {
    for (let i = 0; i < 64; i++) if (Atomics.load(arr, index) !== value) return true;
  }
  return false;
}

/** Runs an operation, blocking the thread for each sleep. */
export function driveSync<T>(op: Generator<Sleep, T, void>): T {
  for (let r = op.next(); ; r = op.next()) {
    if (r.done) return r.value;
    const { arr, index, value, deadline } = r.value;
    if (spinUntilChanged(arr, index, value, deadline)) continue;
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
