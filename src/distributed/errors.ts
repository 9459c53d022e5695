// The errors nogil/distributed adds: Python's PermissionError (a worker refused a task) and
// ConnectionError (Redis cannot be reached). Both keep `instanceof` after crossing from a
// worker (see internal/errors.ts).
import { NogilError, registerError, withCode } from '../internal/errors.js';

/**
 * A worker refused a task (Python's `PermissionError`): a function sent by source to a worker
 * started without `allowSource`, or a module outside the worker's `allowModules` roots.
 * Nothing of the task ran.
 */
export class PermissionError extends NogilError {
  constructor(message = 'the worker refused the task', options?: { cause?: unknown }) {
    super(message, options);
    withCode(this, 'ERR_NOGIL_PERMISSION');
  }
}
registerError('PermissionError', PermissionError);

/**
 * Redis could not be reached (Python's `ConnectionError`), for longer than `attemptTimeout`.
 * The message names the host and port, never the password.
 */
export class ConnectionError extends NogilError {
  constructor(message = 'cannot reach Redis', options?: { cause?: unknown }) {
    super(message, options);
    withCode(this, 'ERR_NOGIL_REDIS_CONNECTION');
  }
}
registerError('ConnectionError', ConnectionError);
