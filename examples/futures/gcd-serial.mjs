// Tutorial section 5, In [20]: the 12 gcds one after the other on the main thread (5.5 s in
// the notebook's Python).
//
//   node examples/futures/gcd-serial.mjs
import { gcd, numbers, report } from './gcd.mjs';

const start = performance.now();
const results = numbers.map(gcd);
report(results, start);
