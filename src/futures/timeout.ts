// Timeouts of the futures API: validation (milliseconds, Python's rules where they are clear)
// and timers that accept any delay up to TIMEOUT_MAX (setTimeout alone fires at once past
// 2^31 - 1 ms, with a TimeoutOverflowWarning).
import { ValueError } from '../internal/python-errors.js';
import { invalidArgType, outOfRange } from '../internal/validate.js';
import { TIMEOUT_MAX } from '../threading/options.js';

/** The longest delay one `setTimeout` takes. */
const MAX_TIMER = 2 ** 31 - 1;

/**
 * A timeout argument in ms: `undefined`/`null` mean "wait forever" (Infinity); a negative or
 * NaN value is a `ValueError` (CPython would treat a negative timeout as "do not wait": here a
 * negative timeout is a bug at the call site, see docs/futures.md); above TIMEOUT_MAX (other than
 * Infinity) is a RangeError.
 */
export function timeoutOf(timeout: unknown, name = 'timeout'): number {
  if (timeout === undefined || timeout === null) return Number.POSITIVE_INFINITY;
  if (typeof timeout !== 'number') throw invalidArgType(name, 'of type number', timeout);
  if (Number.isNaN(timeout)) throw new ValueError(`Invalid value NaN (not a number) for ${name}`);
  if (timeout < 0) throw new ValueError(`${name} must be a non-negative number of milliseconds (got ${timeout})`);
  if (timeout > TIMEOUT_MAX && timeout !== Number.POSITIVE_INFINITY) {
    throw outOfRange(name, `<= TIMEOUT_MAX (${TIMEOUT_MAX} ms)`, timeout);
  }
  return timeout;
}

/** A timer of any length: `expired` resolves to 'timeout' after `ms` (never for Infinity). */
export function longTimeout(ms: number): { expired: Promise<'timeout'>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  let resolve!: (value: 'timeout') => void;
  const expired = new Promise<'timeout'>((r) => {
    resolve = r;
  });
  if (ms !== Number.POSITIVE_INFINITY) {
    const end = performance.now() + ms;
    const arm = (): void => {
      const left = end - performance.now();
      if (left <= 0) resolve('timeout');
      else timer = setTimeout(arm, Math.min(Math.ceil(left), MAX_TIMER));
    };
    arm();
  }
  return {
    expired,
    clear() {
      clearTimeout(timer);
    },
  };
}
