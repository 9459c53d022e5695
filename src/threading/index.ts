/**
 * `nogil/threading`: Python's `threading` module (plus `multiprocessing.Value`) for Node.js.
 * Every primitive lives in shared memory (SharedArrayBuffer + Atomics), so it works between
 * async tasks on one thread, between worker threads, and between the main thread and workers.
 * Waiting methods return Promises; their `...Sync` twins block inside workers (and throw on
 * the main thread). Timeouts are in milliseconds.
 *
 * @module
 */
export { RuntimeError, ValueError } from '../internal/python-errors.js';
export type { TaskTarget } from '../internal/task-ref.js';
export type { SignalOptions } from './abort.js';
export { Barrier, type BarrierOptions } from './barrier.js';
export { CONDITION_MAX_WAITERS, Condition } from './condition.js';
export { activeCount, currentThread, enumerate, mainThread } from './current.js';
export { BrokenBarrierError } from './errors.js';
export { Event } from './event.js';
export {
  __excepthook__,
  type ExceptHook,
  type ExceptHookArgs,
  excepthook,
  setExcepthook,
} from './excepthook.js';
export type { Held } from './hold.js';
export { getIdent, getNativeId } from './identity.js';
export { local } from './local.js';
export { Lock } from './lock.js';
export { type AcquireOptions, TIMEOUT_MAX } from './options.js';
export { RLock } from './rlock.js';
export { BoundedSemaphore, Semaphore } from './semaphore.js';
export { Thread, type ThreadOptions } from './thread.js';
export { Timer } from './timer.js';
export { type Typecode, Value, type ValueInput, type ValueOf, type ValueOptions } from './value.js';
