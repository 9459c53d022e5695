// The kernels in plain TypeScript, for comparison with the native ones (benchmarks, property
// tests). They mirror the tutorial's Python and do not validate their arguments.

/** The tutorial's brute-force gcd in TypeScript. */
export function bruteGcd(a: number, b: number): number {
  const low = Math.min(a, b);
  for (let i = low; i > 0; i--) {
    if (a % i === 0 && b % i === 0) return i;
  }
  return 1;
}

/** Euclid's gcd in TypeScript. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** All divisors of `n` by trial division, in TypeScript. */
export function factorize(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i);
  return out;
}
