// Piscina worker for the futures benchmarks: as little as a worker can do (cold start, tiny tasks).

/** Returns its task. */
export default function echo(x) {
  return x;
}

/** Euclid's gcd of `[a, b]` (the tiny task of the throughput rows). */
export function gcd([a, b]) {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** The tutorial's brute-force gcd of `[a, b]`. */
export function bruteGcd([a, b]) {
  const low = Math.min(a, b);
  for (let i = low; i > 0; i--) if (a % i === 0 && b % i === 0) return i;
  return 1;
}
