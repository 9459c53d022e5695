// The rejection of an aborted wait or task, shaped like Node's own AbortError: `name:
// 'AbortError'`, `code: 'ABORT_ERR'`, the signal's reason as `cause`.
import { withCode } from './errors.js';

/** The AbortError of an aborted `signal` (its reason as `cause`). */
export function abortError(signal: AbortSignal): Error {
  return abortErrorWith(signal.reason);
}

/** An AbortError whose `cause` is `reason`, with a message of its own. */
export function abortErrorWith(reason: unknown, message = 'The operation was aborted'): Error {
  const error = new Error(message, { cause: reason });
  Object.defineProperty(error, 'name', { value: 'AbortError', enumerable: false, writable: true, configurable: true });
  return withCode(error, 'ABORT_ERR');
}
