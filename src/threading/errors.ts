// Errors specific to nogil/threading.
import { registerError } from '../internal/errors.js';
import { RuntimeError } from '../internal/python-errors.js';

/**
 * Python's `threading.BrokenBarrierError` (a `RuntimeError`): raised by `Barrier.wait()` when
 * the barrier is aborted, reset while threads wait, or a wait times out.
 */
export class BrokenBarrierError extends RuntimeError {
  /** Creates the error (default message: "the barrier is broken"). */
  constructor(message = 'the barrier is broken', options?: { cause?: unknown }) {
    super(message, options);
  }
}
registerError('BrokenBarrierError', BrokenBarrierError);
