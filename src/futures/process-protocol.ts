// The messages between a ProcessPoolExecutor and its children (one IPC channel per child, v8
// "advanced" serialization, so Map, Date, BigInt, typed arrays and errors' wire forms cross).
//
//   parent                                   child (process-child.ts)
//     ── [INIT, initializer, initargs] ──>     runs the initializer once
//     <── [READY] | [INIT_FAILED, wire] ──
//     ── [RUN, [task, task, ...]] ──>          runs the tasks one at a time, in order
//     <── [RESULT, id, ok, value, ms] ──       one message per task, in the same order
//     <── [FATAL, wire] ──                     an uncaught error: the child exits(1) next
//     disconnect() ──>                         the child exits(0)
//
// The child starts task n+1 only once task n's result is in the pipe (its send callback ran), so
// when a child dies, every result it produced has reached the parent's side of the pipe: the
// first task without a result is the one that was running, the ones after it never started.
import type { WireError } from '../internal/errors.js';
import type { TaskRef } from '../internal/task-ref.js';

/** Message tags (the first element of every message). */
export const Msg = Object.freeze({
  INIT: 0,
  READY: 1,
  INIT_FAILED: 2,
  RUN: 3,
  RESULT: 4,
  FATAL: 5,
} as const);

/**
 * One task on the wire: `[id, refId, ref, args, chunk]`. `ref` is sent only the first time a
 * child sees `refId` (the child caches it), so a task function's source crosses once per child.
 */
export type WireTask = [id: number, refId: number, ref: TaskRef | undefined, args: readonly unknown[], chunk: boolean];

/** Parent to child. */
export type ToChild =
  | [tag: typeof Msg.INIT, initializer: TaskRef | undefined, initargs: readonly unknown[]]
  | [tag: typeof Msg.RUN, tasks: WireTask[]];

/** Child to parent. */
export type ToParent =
  | [tag: typeof Msg.READY]
  | [tag: typeof Msg.INIT_FAILED, error: WireError]
  | [tag: typeof Msg.RESULT, id: number, ok: true, value: unknown, ms: number]
  | [tag: typeof Msg.RESULT, id: number, ok: false, error: WireError, ms: number]
  | [tag: typeof Msg.FATAL, error: WireError];
