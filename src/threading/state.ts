// Process-wide shared state: the thread-name counter and what became of every thread.
//
// The first copy of nogil/threading loaded in a process (normally on the main thread) creates
// the state and publishes it with `setEnvironmentData`; every worker spawned afterwards (by
// nogil or by anyone else, and their own workers in turn) inherits the same SharedArrayBuffers,
// so `Thread-N` numbering and the thread records are shared by all threads.
//
// `words` (Int32Array):
//   [0] MAGIC          constant, written once by the creator
//   [1] NAME_COUNTER   last number handed out for `Thread-N` / `Dummy-N` (Atomics.add by anyone)
// `threads` (growable Int32Array, two words per worker `threadId`; thread ids are never reused):
//   [2 * id]     TID: the thread's OS thread id, written by the thread when it loads this module
//                (Linux; 0 = unknown)
//   [2 * id + 1] STATUS: RUNNING 0 (or unknown), FINISHED 1, DIED 2. Written by the thread itself:
//                FINISHED when its target settled (a nogil Thread, markSelfFinished) or its event
//                loop ran empty (it *finished*, as a Python thread does), DIED on any other exit
//                (process.exit(), an uncaught error). `worker.terminate()` runs no JS in the dying thread, so the thread that
//                owned the Worker writes DIED for a non-zero exit code (see Thread), and a waiter
//                that suspects a lock's owner is gone looks for its TID in /proc/self/task: absent
//                with no FINISHED record means DIED (this also covers Workers nogil did not start).
// Locks held by a DIED thread are taken over by the next acquirer (mutex.ts); locks held by a
// FINISHED thread stay held, as in Python (a Lock may be released later by another thread).
import { existsSync, readlinkSync } from 'node:fs';
import { getEnvironmentData, setEnvironmentData, threadId } from 'node:worker_threads';
import { growableSharedArrayBuffer, growSharedArrayBuffer } from '../internal/es2024.js';

const ENV_KEY = 'nogil.threading.state/v1';
const MAGIC = 0x6e6f6769;
const NAME_COUNTER = 1;
const WORDS = 8;
const THREADS_INITIAL_BYTES = 64 * 1024; // 8192 thread ids
const THREADS_MAX_BYTES = 16 * 1024 * 1024; // 2M thread ids; later ids are never reported dead

const RUNNING = 0;
const FINISHED = 1;
const DIED = 2;

interface StateBuffers {
  readonly words: SharedArrayBuffer;
  readonly threads: SharedArrayBuffer;
}

function adopt(): StateBuffers {
  const existing = getEnvironmentData(ENV_KEY) as StateBuffers | undefined;
  if (
    existing &&
    existing.words instanceof SharedArrayBuffer &&
    existing.threads instanceof SharedArrayBuffer &&
    Atomics.load(new Int32Array(existing.words), 0) === MAGIC
  ) {
    return existing;
  }
  const created: StateBuffers = {
    words: new SharedArrayBuffer(WORDS * 4),
    threads: growableSharedArrayBuffer(THREADS_INITIAL_BYTES, THREADS_MAX_BYTES),
  };
  Atomics.store(new Int32Array(created.words), 0, MAGIC);
  setEnvironmentData(ENV_KEY, created);
  return created;
}

const buffers = adopt();
const words = new Int32Array(buffers.words);
// Length-tracking view: sees growth done by any thread.
const threads = new Int32Array(buffers.threads);

// Grows the thread records to cover `id` (if the maximum allows); false if it cannot.
function cover(id: number): boolean {
  const bytes = (id + 1) * 8;
  const sab = buffers.threads;
  if (sab.byteLength >= bytes) return true;
  if (bytes > THREADS_MAX_BYTES) return false;
  try {
    growSharedArrayBuffer(sab, Math.min(THREADS_MAX_BYTES, Math.max(bytes, sab.byteLength * 2)));
  } catch {
    // Another thread grew it concurrently (to at least as much), which is as good.
  }
  return sab.byteLength >= bytes;
}

function statusOf(id: number): number {
  return 2 * id + 1 < threads.length ? Atomics.load(threads, 2 * id + 1) : RUNNING;
}

/** The next number of the process-wide `Thread-N` / `Dummy-N` sequence (1, 2, ...). */
export function nextThreadNumber(): number {
  return Atomics.add(words, NAME_COUNTER, 1) + 1;
}

/** Records that the thread with this `threadId` died (did not simply finish). */
export function markThreadDied(id: number): void {
  if (cover(id)) Atomics.compareExchange(threads, 2 * id + 1, RUNNING, DIED);
}

/**
 * Records that this thread (a worker) finished: its target settled. Written before the worker
 * ends itself (worker-main.ts), so its exit, whatever the exit path, never counts as a death.
 */
export function markSelfFinished(): void {
  if (threadId !== 0 && cover(threadId)) Atomics.compareExchange(threads, 2 * threadId + 1, RUNNING, FINISHED);
}

/**
 * This thread's owner token, written into lock words: `threadId + 1`, so that 0 can mean
 * "unlocked" and the main thread (threadId 0) is 1. Equal to `getIdent()`.
 */
export const ownToken: number = threadId + 1;

/** Whether a lock word's owner token belongs to a thread recorded as died (cheap). */
export function isTokenDead(token: number): boolean {
  return token > 1 && statusOf(token - 1) === DIED;
}

/**
 * `isTokenDead`, and if nothing was recorded, a look at /proc for the owner's OS thread (one
 * syscall; used only after a waiter slept a whole slice on the same owner).
 */
export function probeTokenDead(token: number): boolean {
  if (token <= 1) return false;
  const id = token - 1;
  const status = statusOf(id);
  if (status !== RUNNING) return status === DIED;
  const tid = 2 * id < threads.length ? Atomics.load(threads, 2 * id) : 0;
  if (tid === 0 || existsSync(`/proc/self/task/${tid}`)) return false;
  // Gone without a record of finishing (re-read: it may have recorded FINISHED just now).
  markThreadDied(id);
  return statusOf(id) === DIED;
}

/**
 * This thread's OS thread id: "/proc/thread-self" links to "<pid>/task/<tid>" (sync fs calls run
 * on the calling thread); undefined where there is no /proc.
 */
export const ownTid: number | undefined = (() => {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
})();

if (threadId !== 0 && cover(threadId)) {
  if (ownTid !== undefined) Atomics.store(threads, 2 * threadId, ownTid);
  let ranDry = false;
  // 'beforeExit' fires only when the event loop ran empty: the thread finished by itself.
  process.on('beforeExit', () => {
    ranDry = true;
  });
  process.on('exit', (code) => {
    Atomics.compareExchange(threads, 2 * threadId + 1, RUNNING, ranDry && code === 0 ? FINISHED : DIED);
  });
}
