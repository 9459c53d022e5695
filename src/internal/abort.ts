// AbortError: the rejection of a wait or a task cancelled through an AbortSignal, shaped like
// Node's own (`name: 'AbortError'`, `code: 'ABORT_ERR'`, the signal's reason as `cause`).
import { withCode } from './errors.js';

/** A Node-style AbortError whose `cause` is `reason` (an AbortSignal's `reason`). */
export function abortError(reason: unknown, message = 'The operation was aborted'): Error {
  const error = new Error(message, { cause: reason });
  Object.defineProperty(error, 'name', { value: 'AbortError', enumerable: false, writable: true, configurable: true });
  return withCode(error, 'ABORT_ERR');
}
