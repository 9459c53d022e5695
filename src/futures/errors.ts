// The exceptions of Python's concurrent.futures, with Node-style codes. `BrokenExecutor` extends
// RuntimeError as in Python; every class keeps `instanceof` across threads, processes and
// duplicate copies of nogil (see internal/errors.ts).
import { NogilError, registerError, withCode } from '../internal/errors.js';
import { RuntimeError } from '../internal/python-errors.js';

/** The future was cancelled (Python's `concurrent.futures.CancelledError`). */
export class CancelledError extends NogilError {
  constructor(message = 'the future was cancelled', options?: { cause?: unknown }) {
    super(message, options);
    withCode(this, 'ERR_FUTURE_CANCELLED');
  }
}
registerError('CancelledError', CancelledError);

/** A timed wait ran out (Python's `TimeoutError`): `result(timeout)`, `map` or `asCompleted`. */
export class TimeoutError extends NogilError {
  constructor(message = 'the operation timed out', options?: { cause?: unknown }) {
    super(message, options);
    withCode(this, 'ERR_FUTURE_TIMEOUT');
  }
}
registerError('TimeoutError', TimeoutError);

/** An operation is not allowed in the future's state, e.g. `setResult` twice. */
export class InvalidStateError extends NogilError {
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    withCode(this, 'ERR_FUTURE_INVALID_STATE');
  }
}
registerError('InvalidStateError', InvalidStateError);

const kBrands = Symbol.for('nogil.error.brands');

/**
 * The error of `setRunningOrNotifyCancel()` on a running or finished future: an
 * `InvalidStateError` (API.md) that is also `instanceof RuntimeError` (what CPython raises).
 */
export function unexpectedState(message: string): InvalidStateError {
  const error = new InvalidStateError(message);
  (error as unknown as { [kBrands]: string[] })[kBrands].push('RuntimeError');
  return error;
}

/** An executor cannot run work any more (a failed initializer, a worker that died). */
export class BrokenExecutor extends RuntimeError {
  constructor(message = 'the executor is broken', options?: { cause?: unknown }) {
    super(message, options);
    withCode(this, 'ERR_BROKEN_EXECUTOR');
  }
}
registerError('BrokenExecutor', BrokenExecutor);

/** A `ThreadPoolExecutor` worker failed (its initializer threw, or the worker died). */
export class BrokenThreadPool extends BrokenExecutor {
  constructor(message = 'a thread of the pool died', options?: { cause?: unknown }) {
    super(message, options);
    withCode(this, 'ERR_BROKEN_THREAD_POOL');
  }
}
registerError('BrokenThreadPool', BrokenThreadPool);

/** A `ProcessPoolExecutor` child failed (its initializer threw, or the process died). */
export class BrokenProcessPool extends BrokenExecutor {
  constructor(message = 'a process of the pool terminated abruptly', options?: { cause?: unknown }) {
    super(message, options);
    withCode(this, 'ERR_BROKEN_PROCESS_POOL');
  }
}
registerError('BrokenProcessPool', BrokenProcessPool);
