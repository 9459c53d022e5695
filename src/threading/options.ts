// Validation of the `{ blocking, timeout }` options and timeouts, with Python's rules and
// messages (timeouts are milliseconds here).
import { ValueError } from '../internal/python-errors.js';
import { invalidArgType, outOfRange, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { signalOf } from './abort.js';

/**
 * The largest timeout accepted, in milliseconds: Python's `threading.TIMEOUT_MAX` (about 292
 * years) converted to ms. `Infinity` is accepted too and means "no timeout".
 */
export const TIMEOUT_MAX = 9_223_372_036_854;

/** Options of `Lock.acquire()` / `RLock.acquire()` / `Semaphore.acquire()` / `Condition.acquire()`. */
export interface AcquireOptions {
  /** Wait for the lock (default `true`); `false` only tries once. */
  blocking?: boolean;
  /**
   * Give up after this many milliseconds. Lock/RLock: `-1` (the default) or `undefined` waits
   * forever. Semaphore: `undefined`/`null` waits forever, a negative value only tries once.
   */
  timeout?: number | null;
  /**
   * Aborting it gives up as the timeout would (the lock is not taken), rejecting with an
   * `AbortError`. The `...Sync` twins only check it before they block.
   */
  signal?: AbortSignal | null;
}

const ACQUIRE_KEYS = ['blocking', 'timeout', 'signal'] as const;

/** The validated `signal` of acquire options (after `lockWaitOf`/`semaphoreWaitOf` checked the rest). */
export function acquireSignalOf(options: AcquireOptions | undefined): AbortSignal | undefined {
  return options === undefined ? undefined : signalOf(options.signal, 'options.signal');
}

function validateTimeoutNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value)) throw new ValueError(`Invalid value NaN (not a number) for ${name}`);
  if (value > TIMEOUT_MAX && value !== Number.POSITIVE_INFINITY) {
    throw outOfRange(name, `<= TIMEOUT_MAX (${TIMEOUT_MAX} ms)`, value);
  }
}

/**
 * Lock/RLock acquire options, Python's `acquire(blocking=True, timeout=-1)`: returns the wait in
 * ms (0: do not wait, Infinity: forever). `blocking: false` with a timeout, and a negative
 * timeout other than -1, are `ValueError`s.
 */
export function lockWaitOf(options: AcquireOptions | undefined, name = 'options'): number {
  const opts = validateOptions(options, name);
  validateKnownKeys(opts, ACQUIRE_KEYS, name);
  const blocking = opts.blocking ?? true;
  if (typeof blocking !== 'boolean') throw invalidArgType(`${name}.blocking`, 'of type boolean', blocking);
  const timeout = opts.timeout ?? -1;
  validateTimeoutNumber(timeout, `${name}.timeout`);
  if (!blocking) {
    if (timeout !== -1) throw new ValueError("can't specify a timeout for a non-blocking call");
    return 0;
  }
  if (timeout === -1) return Number.POSITIVE_INFINITY;
  if (timeout < 0) throw new ValueError('timeout value must be a non-negative number');
  return timeout;
}

/**
 * Semaphore acquire options, Python's `acquire(blocking=True, timeout=None)`: `blocking: false`
 * with a timeout is a `ValueError`; a negative timeout only tries once (as Python's loop does).
 */
export function semaphoreWaitOf(options: AcquireOptions | undefined, name = 'options'): number {
  const opts = validateOptions(options, name);
  validateKnownKeys(opts, ACQUIRE_KEYS, name);
  const blocking = opts.blocking ?? true;
  if (typeof blocking !== 'boolean') throw invalidArgType(`${name}.blocking`, 'of type boolean', blocking);
  const timeout = opts.timeout;
  if (!blocking) {
    if (timeout !== undefined && timeout !== null) {
      throw new ValueError("can't specify timeout for non-blocking acquire");
    }
    return 0;
  }
  if (timeout === undefined || timeout === null) return Number.POSITIVE_INFINITY;
  validateTimeoutNumber(timeout, `${name}.timeout`);
  return Math.max(timeout, 0);
}

/**
 * A plain `timeout?` argument (Condition/Event/Barrier/join): `undefined`/`null` means forever,
 * a negative value means "do not wait", as in Python.
 */
export function waitTimeoutOf(timeout: number | null | undefined, name = 'timeout'): number {
  if (timeout === undefined || timeout === null) return Number.POSITIVE_INFINITY;
  validateTimeoutNumber(timeout, name);
  return Math.max(timeout, 0);
}
