// The rejection of an aborted wait, shaped like Node's own AbortError.
import { withCode } from './errors.js';

/**
 * An `AbortError` as Node's APIs reject with: `name: 'AbortError'`, `code: 'ABORT_ERR'`, the
 * signal's reason as `cause`.
 */
export function abortError(signal: AbortSignal): Error {
  const error = new Error('The operation was aborted', { cause: signal.reason });
  Object.defineProperty(error, 'name', { value: 'AbortError', enumerable: false, writable: true, configurable: true });
  return withCode(error, 'ABORT_ERR');
}
