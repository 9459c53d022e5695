// Process-wide shared state: the thread-name counter and the "dead threads" bitmap.
//
// The first copy of nogil/threading loaded in a process (normally on the main thread) creates
// the state and publishes it with `setEnvironmentData`; every worker spawned afterwards (by
// nogil or by anyone else, and their own workers in turn) inherits the same SharedArrayBuffers,
// so `Thread-N` numbering and death records are shared by all threads.
//
// Layout of `words` (Int32Array):
//   [0] MAGIC          constant, written once by the creator
//   [1] NAME_COUNTER   last number handed out for `Thread-N` / `Dummy-N` (Atomics.add by anyone)
// Layout of `dead` (growable Uint32Array bitmap, indexed by worker `threadId`):
//   bit t set  <=>  the thread with threadId t has exited. Set with Atomics.or by the dying thread
//   itself (its process 'exit' handler) and by whichever thread owned its Worker object (on the
//   Worker's 'exit' event: this also covers `worker.terminate()`, where the dying thread runs no
//   JS). Bits are never cleared: thread ids are never reused within a process.

import { getEnvironmentData, setEnvironmentData, threadId } from 'node:worker_threads';
import { growableSharedArrayBuffer, growSharedArrayBuffer } from '../internal/es2024.js';

const ENV_KEY = 'nogil.threading.state/v1';
const MAGIC = 0x6e6f6769;
const NAME_COUNTER = 1;
const WORDS = 8;
const DEAD_INITIAL_BYTES = 1024; // 8192 thread ids
const DEAD_MAX_BYTES = 1 << 18; // 2M thread ids; later ids are simply never reported dead

interface StateBuffers {
  readonly words: SharedArrayBuffer;
  readonly dead: SharedArrayBuffer;
}

function adopt(): StateBuffers {
  const existing = getEnvironmentData(ENV_KEY) as StateBuffers | undefined;
  if (
    existing &&
    existing.words instanceof SharedArrayBuffer &&
    existing.dead instanceof SharedArrayBuffer &&
    Atomics.load(new Int32Array(existing.words), 0) === MAGIC
  ) {
    return existing;
  }
  const created: StateBuffers = {
    words: new SharedArrayBuffer(WORDS * 4),
    dead: growableSharedArrayBuffer(DEAD_INITIAL_BYTES, DEAD_MAX_BYTES),
  };
  Atomics.store(new Int32Array(created.words), 0, MAGIC);
  setEnvironmentData(ENV_KEY, created);
  return created;
}

const buffers = adopt();
const words = new Int32Array(buffers.words);
// Length-tracking view: sees growth done by any thread.
const dead = new Uint32Array(buffers.dead);

/** The next number of the process-wide `Thread-N` / `Dummy-N` sequence (1, 2, ...). */
export function nextThreadNumber(): number {
  return Atomics.add(words, NAME_COUNTER, 1) + 1;
}

/** Records that the thread with this `threadId` has exited (idempotent). */
export function markThreadDead(id: number): void {
  const word = id >>> 5;
  if (word >= dead.length) {
    const needed = Math.min(DEAD_MAX_BYTES, Math.max((word + 1) * 4, buffers.dead.byteLength * 2));
    if ((word + 1) * 4 > DEAD_MAX_BYTES) return;
    try {
      growSharedArrayBuffer(buffers.dead, needed);
    } catch {
      // Another thread grew it concurrently (to at least as much), which is as good.
    }
    if (word >= dead.length) return;
  }
  Atomics.or(dead, word, 1 << (id & 31));
}

/** Whether the thread with this `threadId` is known to have exited. */
export function isThreadDead(id: number): boolean {
  const word = id >>> 5;
  if (word >= dead.length) return false;
  return (Atomics.load(dead, word) & (1 << (id & 31))) !== 0;
}

/**
 * This thread's owner token, written into lock words: `threadId + 1`, so that 0 can mean
 * "unlocked" and the main thread (threadId 0) is 1. Equal to `getIdent()`.
 */
export const ownToken: number = threadId + 1;

/** Whether a lock word's owner token belongs to a thread that has exited. */
export function isTokenDead(token: number): boolean {
  return token > 1 && isThreadDead(token - 1);
}

if (threadId !== 0) {
  // The dying thread marks itself: covers returning, process.exit() and uncaught errors.
  // worker.terminate() runs no JS here; the Worker's owner marks it then (see Thread).
  process.on('exit', () => markThreadDead(threadId));
}
