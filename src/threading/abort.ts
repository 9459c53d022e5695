// AbortSignal for every wait of nogil/threading and nogil/queue (API.md: in the options object
// where the method has one, else a last `{ signal }` argument after the numeric timeout).
//
// An abort is a timeout that comes early: each waiting loop checks `signal.aborted` next to its
// deadline and takes its timeout path (a Lock is not taken, a Condition re-acquires its lock, a
// Barrier breaks), then the method rejects with an AbortError instead of its timeout result. The
// abort listener only wakes the sleeping `Atomics.waitAsync` (wait.ts) so that the check runs now.
import { abortError } from '../internal/abort.js';
import { optionalSignal, validateKnownKeys, validateOptions } from '../internal/validate.js';

export { abortError };

/** The `{ signal }` argument of waits whose options are a plain timeout. */
export interface SignalOptions {
  /** Aborting it ends the wait as a timeout would, rejecting with an `AbortError`. */
  signal?: AbortSignal | null | undefined;
}

/** The signal of an options object (validated), or undefined. */
export const signalOf: (value: unknown, name: string) => AbortSignal | undefined = optionalSignal;

/** The signal of a trailing `{ signal }` argument (validated: an object with only that key). */
export function trailingSignal(options: SignalOptions | undefined, name = 'options'): AbortSignal | undefined {
  if (options === undefined || options === null) return undefined;
  const opts = validateOptions(options, name);
  validateKnownKeys(opts, ['signal'], name);
  return signalOf(opts.signal, `${name}.signal`);
}

/** Throws the AbortError of an already-aborted signal. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Whether a wait is over: its deadline passed or its signal aborted. */
export function expired(left: number, signal: AbortSignal | undefined): boolean {
  return left <= 0 || signal?.aborted === true;
}
