// Timers for millisecond timeouts of any length: setTimeout fires at once for delays over
// 2^31 - 1 ms (about 24.8 days) with only a warning, so longer ones are re-armed in steps.

const MAX_DELAY = 2 ** 31 - 1;

/** A cancellable timer. */
export interface LongTimer {
  /** Cancels the timer (idempotent). */
  clear(): void;
}

/** Calls `fn` once after `ms` milliseconds (any finite length). */
export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  const deadline = performance.now() + ms;
  let handle: ReturnType<typeof setTimeout> | undefined;
  const arm = (delay: number): void => {
    handle = setTimeout(
      () => {
        const left = deadline - performance.now();
        if (left > 1) arm(left);
        else fn();
      },
      Math.min(Math.max(delay, 0), MAX_DELAY),
    );
  };
  arm(ms);
  return {
    clear() {
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    },
  };
}
