// The exceptions of Python's `queue` module.
import { NogilError, registerError } from '../internal/errors.js';

/** Python's `queue.Empty`: `get({ block: false })`/`getNowait()` on an empty queue, or a `get` timed out. */
export class Empty extends NogilError {}
registerError('Empty', Empty);

/** Python's `queue.Full`: `put({ block: false })`/`putNowait()` on a full queue, or a `put` timed out. */
export class Full extends NogilError {}
registerError('Full', Full);

/** Python's `queue.ShutDown` (3.13): `put`/`get` on a queue that was shut down. */
export class ShutDown extends NogilError {}
registerError('ShutDown', ShutDown);
