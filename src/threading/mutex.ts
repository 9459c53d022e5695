// The owner-token mutex protocol shared by Lock, RLock and every internal mutex (Condition,
// Barrier, queues).
//
// Three Int32 words starting at `base`:
//   [base + OWNER]     0 when unlocked, else the owner's token (`threadId + 1`, see state.ts).
//                      Written only by compare-exchange (acquire, dead-owner takeover) and by
//                      exchange-to-0 (release).
//   [base + WAITERS]   how many acquirers are (about to be) sleeping on OWNER. Each waiter adds 1
//                      before its first CAS and subtracts 1 when it stops waiting.
//   [base + ABANDONED] how many times the lock was taken over from a dead owner.
//
// Invariant (no lost wake-up): a waiter increments WAITERS *before* its compare-exchange and
// sleeps only while OWNER still holds the value that CAS saw; a releaser stores 0 *before* it
// reads WAITERS. JS atomics are sequentially consistent, so either the releaser sees the waiter
// (and notifies) or the waiter's CAS sees the 0 (and succeeds). The uncontended path is one CAS
// to acquire and one exchange plus one load to release: no notify when nobody waits.
//
// Dead owners: waits are cut into slices of DEAD_OWNER_POLL_MS. Every attempt checks the cheap
// per-thread record (state.ts); after a whole slice asleep on the same owner the waiter also
// probes the owner's OS thread. A dead owner's lock is taken over with a CAS from that token (so exactly
// one waiter wins), counted in ABANDONED.
import { isTokenDead, ownToken, probeTokenDead } from './state.js';
import { deadlineOf, remainingUntil, waitAsync, waitSync } from './wait.js';

/** Word offsets of the protocol, relative to `base`. */
export const OWNER = 0;
export const WAITERS = 1;
export const ABANDONED = 2;
/** How many Int32 words a mutex occupies. */
export const MUTEX_WORDS = 3;

/** How often a waiter re-checks whether the owner died (ms). */
export const DEAD_OWNER_POLL_MS = 100;
// Brief spinning before sleeping: internal critical sections last microseconds.
const SPINS = 64;

/** Result of a blocking acquire: 0 timed out, 1 acquired, 2 acquired from a dead owner. */
export type AcquireOutcome = 0 | 1 | 2;

/** One CAS: takes the mutex if it is free. */
export function tryLock(arr: Int32Array, base: number, token: number = ownToken): boolean {
  return Atomics.compareExchange(arr, base + OWNER, 0, token) === 0;
}

/** A CAS that also takes the mutex over from a dead owner (`probe`: also look at /proc). */
function tryLockOrSteal(arr: Int32Array, base: number, token: number, probe = false): AcquireOutcome {
  const cur = Atomics.compareExchange(arr, base + OWNER, 0, token);
  if (cur === 0) return 1;
  const dead = probe ? probeTokenDead(cur) : isTokenDead(cur);
  if (dead && Atomics.compareExchange(arr, base + OWNER, cur, token) === cur) {
    Atomics.add(arr, base + ABANDONED, 1);
    return 2;
  }
  return 0;
}

/** Releases: stores 0 and wakes one waiter if any. Returns the previous owner token (0: was unlocked). */
export function unlock(arr: Int32Array, base: number): number {
  const prev = Atomics.exchange(arr, base + OWNER, 0);
  if (prev !== 0 && Atomics.load(arr, base + WAITERS) !== 0) Atomics.notify(arr, base + OWNER, 1);
  return prev;
}

/**
 * Blocking acquire with `Atomics.wait` (workers; internal microsecond waits on any thread).
 * `timeout` in ms, `Infinity` for none.
 */
export function lockSync(arr: Int32Array, base: number, timeout: number, token: number = ownToken): AcquireOutcome {
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.compareExchange(arr, base + OWNER, 0, token) === 0) return 1;
  }
  const deadline = deadlineOf(timeout);
  Atomics.add(arr, base + WAITERS, 1);
  try {
    for (let probe = false; ; ) {
      const got = tryLockOrSteal(arr, base, token, probe);
      if (got !== 0) return got;
      const cur = Atomics.load(arr, base + OWNER);
      if (cur === 0) continue;
      const left = remainingUntil(deadline);
      if (left <= 0) return 0;
      const slice = Math.min(left, DEAD_OWNER_POLL_MS);
      probe = waitSync(arr, base + OWNER, cur, slice) === 'timed-out' && slice === DEAD_OWNER_POLL_MS;
    }
  } finally {
    Atomics.sub(arr, base + WAITERS, 1);
  }
}

/**
 * Non-blocking acquire for the event loop: `Atomics.waitAsync` between attempts. An abort of
 * `signal` ends it as the timeout does (0: not acquired).
 */
export async function lockAsync(
  arr: Int32Array,
  base: number,
  timeout: number,
  signal?: AbortSignal,
  token: number = ownToken,
): Promise<AcquireOutcome> {
  const deadline = deadlineOf(timeout);
  Atomics.add(arr, base + WAITERS, 1);
  try {
    for (let probe = false; ; ) {
      const got = tryLockOrSteal(arr, base, token, probe);
      if (got !== 0) return got;
      const cur = Atomics.load(arr, base + OWNER);
      if (cur === 0) continue;
      const left = remainingUntil(deadline);
      if (left <= 0 || signal?.aborted) return 0;
      const slice = Math.min(left, DEAD_OWNER_POLL_MS);
      const woke = await waitAsync(arr, base + OWNER, cur, slice, signal);
      probe = woke === 'timed-out' && slice === DEAD_OWNER_POLL_MS && !signal?.aborted;
    }
  } finally {
    Atomics.sub(arr, base + WAITERS, 1);
  }
}

/**
 * An internal mutex for short critical sections that never await: taken with spinning and,
 * if need be, a brief `Atomics.wait`, on any thread (the holder is another thread inside a
 * few-microsecond section, so the main thread blocks no longer than that).
 */
export function lockInternal(arr: Int32Array, base: number): void {
  if (Atomics.compareExchange(arr, base + OWNER, 0, ownToken) === 0) return;
  // The holder is another thread inside a section of a few microseconds: spin on plain loads
  // (no cache-line ping-pong) for about that long before sleeping, because a futex sleep and
  // wake-up costs tens of microseconds or more (an idle vCPU halts).
  for (let i = 0; i < INTERNAL_SPINS; i++) {
    if (Atomics.load(arr, base + OWNER) === 0 && Atomics.compareExchange(arr, base + OWNER, 0, ownToken) === 0) return;
  }
  lockSync(arr, base, Number.POSITIVE_INFINITY);
}

/** Load spins of lockInternal before it falls back to lockSync (about 5-20 µs). */
const INTERNAL_SPINS = 2_000;

/** Releases an internal mutex. */
export function unlockInternal(arr: Int32Array, base: number): void {
  unlock(arr, base);
}
