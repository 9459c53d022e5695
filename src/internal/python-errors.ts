// Python's built-in exceptions that nogil raises across modules. Exported publicly from
// nogil/threading, nogil/queue and the package root (docs/python-to-nogil.md).
import { NogilError, registerError } from './errors.js';

/**
 * Python's `RuntimeError`: an operation is not valid in the current state (releasing an
 * unlocked lock, a `...Sync` call on the main thread, submitting after shutdown).
 */
export class RuntimeError extends NogilError {}
registerError('RuntimeError', RuntimeError);

/**
 * Python's `ValueError`: an argument has the right type but a bad value (a negative timeout,
 * `Semaphore(-1)`, `taskDone()` called too often, an over-released `BoundedSemaphore`).
 */
export class ValueError extends NogilError {}
registerError('ValueError', ValueError);
