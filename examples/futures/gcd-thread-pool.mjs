// Tutorial section 5, In [22]: the 12 gcds on a ThreadPoolExecutor with 2 workers. In Python
// this gains nothing (5.6 s: the GIL); here each worker is a worker_thread, so the two run in
// parallel. The task is the same function, sent to the workers by source.
//
//   node examples/futures/gcd-thread-pool.mjs
import { ThreadPoolExecutor } from 'nogil/futures';
import { gcd, numbers, report } from './gcd.mjs';

const start = performance.now();
const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
const results = [];
for await (const result of pool.map(gcd, numbers)) results.push(result);
report(results, start);
await pool.shutdown();
