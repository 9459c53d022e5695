// currentThread(), mainThread(), enumerate(), activeCount(): the Thread objects this thread
// knows about.
import { isMainThread } from 'node:worker_threads';
import { threadInfo } from './identity.js';
import { nextThreadNumber } from './state.js';
import { existingThread, liveThreads, selfIdentity, type Thread } from './thread.js';

let main: Thread | undefined;
let self: Thread | undefined;

/**
 * The main thread's `Thread` object (Python's `threading.main_thread()`), named `MainThread`.
 */
export function mainThread(): Thread {
  if (!main) {
    main = existingThread({
      kind: 'main',
      name: 'MainThread',
      daemon: false,
      ident: 1,
      nativeId: process.pid,
    });
  }
  return main;
}

/**
 * The `Thread` object of the calling thread (Python's `threading.current_thread()`): the main
 * thread's, the `Thread` this worker runs for (same name and ident as the parent's object), or
 * a `Dummy-N` thread for a worker nogil did not start.
 */
export function currentThread(): Thread {
  if (isMainThread) return mainThread();
  if (!self) {
    const info = threadInfo();
    const { ident, nativeId } = selfIdentity();
    self = existingThread(
      info
        ? { kind: 'self', name: info.name, daemon: info.daemon, ident, nativeId }
        : { kind: 'dummy', name: `Dummy-${nextThreadNumber()}`, daemon: true, ident, nativeId },
    );
  }
  return self;
}

/**
 * The live `Thread` objects this thread knows (Python's `threading.enumerate()`): the main
 * thread, the calling thread, and the threads it started that have not finished. (Threads
 * started by other workers are listed in the worker that started them.)
 */
export function enumerate(): Thread[] {
  const out = [mainThread()];
  if (!isMainThread) out.push(currentThread());
  for (const t of liveThreads()) if (!out.includes(t)) out.push(t);
  return out;
}

/** `enumerate().length` (Python's `threading.active_count()`). */
export function activeCount(): number {
  return enumerate().length;
}
