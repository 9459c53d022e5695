// The native kernels, called synchronously on the calling thread. The addon validates the
// arguments (arity included), so these wrappers forward them untouched.
import { binding } from './binding.js';

/**
 * The tutorial's brute-force gcd: counts down from `min(a, b)` to the first common divisor,
 * on the calling thread (so `bruteGcd(0, n) === 1`, as the Python loop returns).
 *
 * @example bruteGcd(324435212, 23342412) // 4
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` for non-numbers or a wrong argument count.
 * @throws {RangeError} `ERR_OUT_OF_RANGE` unless both are integers in 0..2^53-1.
 */
export function bruteGcd(...args: [a: number, b: number]): number {
  return binding().bruteGcd(...args);
}

/**
 * Euclid's gcd on the calling thread; `gcd(0, n) === n`.
 *
 * @example gcd(12, 18) // 6
 */
export function gcd(...args: [a: number, b: number]): number {
  return binding().gcd(...args);
}

/**
 * Every divisor of `n`, ascending, by trial division of 1..n (the tutorial's `factorize`).
 *
 * @example factorize(12) // [1, 2, 3, 4, 6, 12]
 */
export function factorize(...args: [n: number]): number[] {
  return binding().factorize(...args);
}

/**
 * Blocks the calling OS thread for `ms` milliseconds: a model of a blocking system call. On
 * the main thread this blocks the event loop; use `NativePool.submit('sleep', ms)` instead.
 */
export function sleep(...args: [ms: number]): void {
  binding().sleep(...args);
}
