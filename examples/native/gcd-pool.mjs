// Tutorial section 5 (In [20] to In [23]) on native threads: the brute-force gcd of the 12
// pairs, serially and on a NativePool. Python gains nothing from threads here (the GIL) and
// needs processes; nogil's pool runs the kernel on real OS threads of this process.
//
//   node examples/native/gcd-pool.mjs
import { availableParallelism } from 'node:os';
import { bruteGcd, NativePool } from 'nogil/native';

const numbers = [
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
];

let start = performance.now();
const serial = numbers.map(([a, b]) => bruteGcd(a, b));
console.log(serial.join(', '));
console.log(`Serial time was ${((performance.now() - start) / 1000).toFixed(3)} s`);

const pool = new NativePool({ threads: Math.min(2, availableParallelism()) });
start = performance.now();
const parallel = await pool.map('bruteGcd', numbers);
console.log(parallel.join(', '));
console.log(`NativePool(${pool.size}) time was ${((performance.now() - start) / 1000).toFixed(3)} s`);
await pool.close();
