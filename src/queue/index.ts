/**
 * `nogil/queue`: Python's `queue` module for Node.js. The queues live in shared memory
 * (SharedArrayBuffer + Atomics): pass one to `Thread`s (nogil/threading) and every thread
 * uses the same queue; it works between async tasks on one thread as well. Items cross threads
 * by structured clone. Timeouts are in milliseconds.
 *
 * @module
 */
export { RuntimeError, ValueError } from '../internal/python-errors.js';
export { DEFAULT_MAX_BYTES } from './core.js';
export { Empty, Full, ShutDown } from './errors.js';
export { LifoQueue } from './lifo.js';
export type { BlockOptions } from './options.js';
export { PriorityQueue } from './priority.js';
export { Queue, type QueueOptions } from './queue.js';
export { SimpleQueue } from './simple.js';
