// Tutorial section 2 (In [13]) with an executor: factorize 8 numbers on a ThreadPoolExecutor
// (one worker per number, as the notebook's 8 threads), printing each number's factors in
// input order. The task is self-contained: it is sent to the workers by source.
//
//   node examples/futures/factorize-thread-pool.mjs
import { ThreadPoolExecutor } from 'nogil/futures';

const numbers = [12342, 1235456, 7832487, 33244, 132412, 2341, 213412, 124];

function factorize(number) {
  const factors = [];
  for (let i = 1; i <= number; i++) if (number % i === 0) factors.push(i);
  return factors;
}

const start = performance.now();
const pool = new ThreadPoolExecutor({ maxWorkers: numbers.length });
for await (const factors of pool.map(factorize, numbers)) console.log(`Factors: [${factors.join(', ')}]`);
console.log(`Time consuming${((performance.now() - start) / 1000).toFixed(3)}`);
await pool.shutdown();
