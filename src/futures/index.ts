/**
 * `nogil/futures`: Python's `concurrent.futures` for Node.js, with real parallelism:
 * `ThreadPoolExecutor` (worker_threads), `ProcessPoolExecutor` (child processes) and
 * `NativePoolExecutor` (Rust OS threads running native kernels), all behind one `Executor`
 * interface with Python's `Future`, `wait` and `asCompleted`. Timeouts are in milliseconds.
 *
 * @module
 */
export { RuntimeError, ValueError } from '../internal/python-errors.js';
export {
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  InvalidStateError,
  TimeoutError,
} from './errors.js';
export { Executor, type ExecutorStats, type WorkItem } from './executor.js';
export { Future, type FutureState, type StartProbe } from './future.js';
export { NativePoolExecutor, type NativePoolExecutorOptions } from './native-pool.js';
export type { MapOptions, ShutdownOptions, SubmitOptions } from './options.js';
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from './process-pool.js';
export { ThreadPoolExecutor, type ThreadPoolOptions } from './thread-pool.js';
export type { ModuleTask, TaskArgs, TaskFunction, TaskItem, TaskResult } from './types.js';
export {
  ALL_COMPLETED,
  type AsCompletedOptions,
  asCompleted,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type FutureWaitOptions,
  type ReturnWhen,
  type WaitResult,
  wait,
  type YieldedFuture,
} from './wait.js';
