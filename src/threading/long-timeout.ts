// Timers for any timeout up to TIMEOUT_MAX: Node's setTimeout fires at once (with a
// TimeoutOverflowWarning) for a delay >= 2^31 ms, so longer delays are chained in steps.
import { now } from './wait.js';

/** The longest delay one Node timer takes (2^31 - 1 ms, about 24.8 days). */
const MAX_DELAY = 0x7fffffff;

/** A pending long timeout. */
export interface LongTimeout {
  /** Cancels it (no-op once fired). */
  clear(): void;
}

/**
 * Calls `fn` once after `ms` milliseconds, for any `ms` (`Infinity`: never, and holds nothing).
 * Each step is a Node timer, ref'd (a pending timeout keeps the process alive, like setTimeout)
 * unless `ref` is false.
 */
export function setLongTimeout(fn: () => void, ms: number, ref = true): LongTimeout {
  let handle: ReturnType<typeof setTimeout> | undefined;
  if (ms === Number.POSITIVE_INFINITY) return { clear() {} };
  const deadline = now() + ms;
  const arm = (): void => {
    const left = deadline - now();
    handle = setTimeout(left > MAX_DELAY ? arm : fn, Math.max(0, Math.ceil(Math.min(left, MAX_DELAY))));
    if (!ref) handle.unref();
  };
  arm();
  return {
    clear() {
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    },
  };
}
