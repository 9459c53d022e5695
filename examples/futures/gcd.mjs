// Tutorial section 5 (In [20] to In [23]): the brute-force gcd and the 12 pairs it runs on.
// A module of its own so that every executor can load it: `{ module, name }` tasks import it
// in the worker or child process.

/** The tutorial's `gcd(pair)`: counts down from min(a, b) to the first common divisor. */
export function gcd(pair) {
  const [a, b] = pair;
  const low = Math.min(a, b);
  for (let i = low; i > 0; i--) {
    if (a % i === 0 && b % i === 0) return i;
  }
  return 1;
}

const pairs = [
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
];

/** The notebook's `numbers`: the four pairs, three times. */
export const numbers = [...pairs, ...pairs, ...pairs];

/** Prints a result list as Python does (`[1, 4, 1, 10]`) and the time since `start` (ms). */
export function report(results, start) {
  console.log(`[${results.join(', ')}]`);
  console.log(`Time was ${((performance.now() - start) / 1000).toFixed(3)} s`);
}
