// Tutorial section 5, In [23]: the 12 gcds on a ProcessPoolExecutor (one child process per
// core by default; 1.9 s on the notebook's 8 cores). The task is a module export: a URL made
// from import.meta.url finds gcd.mjs wherever this script is run from.
//
//   node examples/futures/gcd-process-pool.mjs
import { ProcessPoolExecutor } from 'nogil/futures';
import { numbers, report } from './gcd.mjs';

const gcd = { module: new URL('./gcd.mjs', import.meta.url), name: 'gcd' };

const start = performance.now();
const pool = new ProcessPoolExecutor();
const results = [];
for await (const result of pool.map(gcd, numbers)) results.push(result);
report(results, start);
await pool.shutdown();
