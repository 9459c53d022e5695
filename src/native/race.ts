// The tutorial's counter race on native OS threads.
import { validateBoolean, validateInteger, validateOptions, validateSafeUint } from '../internal/validate.js';
import { binding } from './binding.js';

/** Options of {@link counterRace}. */
export interface CounterRaceOptions {
  /** How many OS threads increment the counter (1..1024). @default 5 */
  threads?: number;
  /** How many increments each thread does. @default 100000 */
  increments?: number;
  /** Guard every increment with a Rust `Mutex` (exact) or race (lost updates). @default false */
  locked?: boolean;
}

/**
 * Native threads add 1 to one shared counter, all released together by a barrier, and the
 * promise resolves to the final count: exactly `threads * increments` when `locked`, usually
 * less otherwise (a real lost-update race: relaxed load then store, no undefined behaviour).
 * Runs off the calling thread.
 *
 * @example await counterRace({ threads: 5, increments: 100_000, locked: false }) // e.g. 331052
 */
export async function counterRace(options: CounterRaceOptions = {}): Promise<number> {
  const { threads = 5, increments = 100_000, locked = false } = validateOptions(options);
  validateInteger(threads, 'options.threads', 1, 1024);
  validateSafeUint(increments, 'options.increments');
  validateBoolean(locked, 'options.locked');
  return binding().counterRace(threads, increments, locked);
}
