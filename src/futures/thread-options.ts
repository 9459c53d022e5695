// The options of `new ThreadPoolExecutor(options)` and their validation.
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { type TaskRef, toTaskRef } from '../internal/task-ref.js';
import { invalidArgType, outOfRange, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { maxWorkersOf } from './options.js';
import type { ModuleTask, TaskFunction } from './types.js';

/** Options of `new ThreadPoolExecutor(options)` (Python's `max_workers, initializer, initargs`). */
export interface ThreadPoolOptions {
  /** How many worker threads at most (started on demand, reused). @default os.availableParallelism() */
  maxWorkers?: number | null | undefined;
  /**
   * Runs once in each worker before its first task, with `initargs`: a self-contained function
   * or `{ module, name }`, like a task. If it throws, the pool is broken: pending futures fail
   * with `BrokenThreadPool` and later `submit` calls throw it.
   */
  initializer?: TaskFunction | ModuleTask | null | undefined;
  /** The initializer's arguments (nogil primitives arrive live, as for tasks). */
  initargs?: Iterable<unknown> | null | undefined;
  /**
   * Node extra: ms an idle worker waits for work before it exits (a later task starts a new
   * one); the first worker stays until shutdown. Idle workers never keep the process alive
   * either way. @default Infinity
   */
  idleTimeout?: number | undefined;
  /** Node extra: the workers' V8 heap limits (a worker that exceeds them dies: BrokenThreadPool). */
  resourceLimits?: ResourceLimits | undefined;
}

/** Validated `ThreadPoolOptions`. */
export interface ThreadPoolConfig {
  readonly maxWorkers: number;
  readonly initializer: TaskRef | undefined;
  readonly initargs: unknown[];
  readonly idleTimeout: number;
  readonly resourceLimits: ResourceLimits | undefined;
}

/** Validates `new ThreadPoolExecutor(options)` (TypeError/RangeError, ValueError for maxWorkers < 1). */
export function threadPoolOptionsOf(options: ThreadPoolOptions | undefined): ThreadPoolConfig {
  const opts = validateOptions(options);
  validateKnownKeys(opts, ['maxWorkers', 'initializer', 'initargs', 'idleTimeout', 'resourceLimits']);
  const maxWorkers = maxWorkersOf(opts.maxWorkers, availableParallelism());
  const initializer =
    opts.initializer === undefined || opts.initializer === null
      ? undefined
      : toTaskRef(opts.initializer, 'options.initializer');
  let initargs: unknown[] = [];
  if (opts.initargs !== undefined && opts.initargs !== null) {
    const given = opts.initargs as unknown;
    if (typeof given === 'string' || typeof (given as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw invalidArgType('options.initargs', 'an array', given);
    }
    initargs = Array.from(given as Iterable<unknown>);
  }
  const { idleTimeout = Number.POSITIVE_INFINITY, resourceLimits } = opts;
  if (typeof idleTimeout !== 'number') throw invalidArgType('options.idleTimeout', 'of type number', idleTimeout);
  if (Number.isNaN(idleTimeout) || idleTimeout < 0) {
    throw outOfRange('options.idleTimeout', '>= 0 (milliseconds) or Infinity', idleTimeout);
  }
  if (resourceLimits !== undefined && (resourceLimits === null || typeof resourceLimits !== 'object')) {
    throw invalidArgType('options.resourceLimits', 'an object', resourceLimits);
  }
  return { maxWorkers, initializer, initargs, idleTimeout, resourceLimits };
}
