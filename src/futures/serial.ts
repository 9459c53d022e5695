// One-at-a-time `next()` for the hand-written async iterators of map() and asCompleted(). The
// async iterator protocol lets a caller ask again before the last answer came
// (`Promise.all([it.next(), it.next()])`); without a queue, two waiting calls would share one
// wake-up (and one would hang) or take a map chunk's results out of order.

/**
 * Wraps `step` so that each call starts once the previous one has settled (FIFO). `fast`, if
 * given, answers a call synchronously when none is waiting (undefined: take the slow path).
 */
export function serialized<T>(step: () => Promise<T>, fast?: () => T | undefined): () => Promise<T> {
  let waiting = 0;
  let tail: Promise<unknown> = Promise.resolve();
  const settled = (): void => {
    waiting--;
  };
  return () => {
    if (waiting === 0 && fast) {
      const value = fast();
      if (value !== undefined) return Promise.resolve(value);
    }
    // Idle: run at once (the common `for await` case pays no extra hop before the step).
    const run = waiting === 0 ? step() : tail.then(step);
    waiting++;
    tail = run.then(settled, settled);
    return run;
  };
}
