// Tasks of bench/distributed.mjs, the same module for the local executors and the Redis
// workers (which run it under --allow-module bench/workers).
import { js } from 'nogil/native';

/** A tiny task: gives its argument back. */
export function echo(x) {
  return x;
}

/** The tutorial's brute-force gcd of one pair (map items are pairs). */
export function bruteGcd([a, b]) {
  return js.bruteGcd(a, b);
}
