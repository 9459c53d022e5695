// Who is this thread: its ident, its OS thread id, and (in a worker started by `Thread`) the
// name and daemon flag its parent gave it.
import { isMainThread, threadId } from 'node:worker_threads';
import { ownTid, ownToken } from './state.js';

/** What a `Thread`'s worker learns about itself at boot. */
export interface ThreadInfo {
  readonly name: string;
  readonly daemon: boolean;
}

let info: ThreadInfo | undefined;
let nativeId: number | undefined;

/**
 * The calling thread's identifier (Python's `threading.get_ident()`): `threadId + 1` of
 * `node:worker_threads`, so the main thread is 1 and every id is a non-zero number that is never
 * reused within the process.
 */
export function getIdent(): number {
  return ownToken;
}

/**
 * The calling thread's OS thread id (Python's `threading.get_native_id()`): the kernel's TID on
 * Linux (the process id on the main thread), else a process-unique stand-in.
 */
export function getNativeId(): number {
  nativeId ??= ownTid ?? (isMainThread ? process.pid : ownToken);
  return nativeId;
}

/** Records this worker's `Thread` name and daemon flag (called once at boot). */
export function adoptThreadInfo(value: ThreadInfo): void {
  info = value;
}

/** This worker's boot info, if a `Thread` (or an executor) started it. */
export function threadInfo(): ThreadInfo | undefined {
  return info;
}

/** The `threadId` of `node:worker_threads` (0 on the main thread). */
export { threadId };
