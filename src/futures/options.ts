// The options of the Executor methods, and their validation (Python's ValueErrors where Python
// raises one, Node's argument errors otherwise).
import type { TransferListItem } from 'node:worker_threads';
import { ValueError } from '../internal/python-errors.js';
import {
  invalidArgType,
  outOfRange,
  validateAbortSignal,
  validateBoolean,
  validateKnownKeys,
  validateOptions,
} from '../internal/validate.js';
import { timeoutOf } from './timeout.js';

/** Options of `submitWith` (Node extras: Python's `submit` has no room for them). */
export interface SubmitOptions {
  /**
   * Aborting cancels the task while it is pending; a running task is stopped (thread and process
   * pools terminate and replace its worker; native kernels stop at their next cancellation
   * check) and its future rejects with an `AbortError` whose `cause` is the signal's reason.
   */
  signal?: AbortSignal | undefined;
  /** ArrayBuffers / MessagePorts to move to the worker instead of copying (thread pools). */
  transfer?: readonly TransferListItem[] | undefined;
}

/** Options of `map` (Python's `timeout=`, `chunksize=`, `buffersize=`). */
export interface MapOptions {
  /** The iteration throws `TimeoutError` if a result is not ready this many ms after the call. */
  timeout?: number | null | undefined;
  /** How many items each task carries (one round trip per chunk). @default 1 */
  chunksize?: number | undefined;
  /** How many tasks (chunks) may run ahead of the consumer; unbounded by default. */
  buffersize?: number | null | undefined;
}

/** Options of `shutdown` (Python's `wait=True, cancel_futures=False`). */
export interface ShutdownOptions {
  /** Resolve only once every pending and running task is done and the workers are gone. @default true */
  wait?: boolean | undefined;
  /** Cancel the tasks that have not started yet. @default false */
  cancelFutures?: boolean | undefined;
}

/** Validated `submitWith` options. */
export function submitOptionsOf(options: SubmitOptions | undefined): {
  signal: AbortSignal | undefined;
  transfer: readonly TransferListItem[] | undefined;
} {
  const opts = validateOptions(options);
  validateKnownKeys(opts, ['signal', 'transfer']);
  const { signal, transfer } = opts;
  validateAbortSignal(signal, 'options.signal');
  if (transfer !== undefined && !Array.isArray(transfer))
    throw invalidArgType('options.transfer', 'an array', transfer);
  return { signal, transfer };
}

/** An integer >= 1 (Python: a ValueError below 1; Node's errors for a non-number or a fraction). */
export function positiveInteger(value: unknown, name: string, what: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < 1) throw new ValueError(`${what} must be >= 1 (got ${value})`);
  return value;
}

/** Validated `map` options. */
export function mapOptionsOf(options: MapOptions | undefined): {
  timeout: number;
  chunksize: number;
  buffersize: number | undefined;
} {
  const opts = validateOptions(options);
  validateKnownKeys(opts, ['timeout', 'chunksize', 'buffersize']);
  const timeout = timeoutOf(opts.timeout, 'options.timeout');
  const chunksize =
    opts.chunksize === undefined ? 1 : positiveInteger(opts.chunksize, 'options.chunksize', 'chunksize');
  const buffersize =
    opts.buffersize === undefined || opts.buffersize === null
      ? undefined
      : positiveInteger(opts.buffersize, 'options.buffersize', 'buffersize');
  return { timeout, chunksize, buffersize };
}

/** Validated `shutdown` options. */
export function shutdownOptionsOf(options: ShutdownOptions | undefined): { wait: boolean; cancelFutures: boolean } {
  const opts = validateOptions(options);
  validateKnownKeys(opts, ['wait', 'cancelFutures']);
  const { wait = true, cancelFutures = false } = opts;
  validateBoolean(wait, 'options.wait');
  validateBoolean(cancelFutures, 'options.cancelFutures');
  return { wait, cancelFutures };
}

/** `maxWorkers` (Python: `max_workers <= 0` is a ValueError); default: available parallelism. */
export function maxWorkersOf(value: unknown, fallback: number, name = 'options.maxWorkers'): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < 1) throw new ValueError(`maxWorkers must be greater than 0 (got ${value})`);
  return value;
}
