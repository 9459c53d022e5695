/**
 * nogil: Python's concurrency toolkit for Node.js, with real parallelism under it.
 *
 * The root re-exports every module: `nogil/subprocess`, `nogil/threading`, `nogil/queue`,
 * `nogil/futures` and `nogil/native` (docs/python-to-nogil.md maps every Python name).
 *
 * @module
 */

export * from './futures/index.js';
export { RuntimeError, ValueError } from './internal/python-errors.js';
export * from './native/index.js';
export * from './queue/index.js';
export * from './subprocess/index.js';
export * from './threading/index.js';
