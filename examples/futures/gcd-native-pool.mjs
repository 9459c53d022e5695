// Tutorial section 5 once more, on native threads: the same 12 gcds as the Rust kernel
// `bruteGcd` on a NativePoolExecutor (one OS thread per core by default). Items are tuples,
// spread into the kernel's two arguments.
//
//   node examples/futures/gcd-native-pool.mjs
import { NativePoolExecutor } from 'nogil/futures';
import { numbers, report } from './gcd.mjs';

const start = performance.now();
const pool = new NativePoolExecutor();
const results = [];
for await (const result of pool.map('bruteGcd', numbers)) results.push(result);
report(results, start);
await pool.shutdown();
