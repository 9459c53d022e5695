// Tutorial section 2 (In [13]): factorize 8 numbers, one thread each. In Python the GIL makes
// this no faster than a loop; here each Thread is a worker_thread, so the numbers are factorized
// in parallel on as many cores as there are.
//
//   node examples/threading/factorize.mjs
import { Thread } from 'nogil/threading';

const numbers = [12342, 1235456, 7832487, 33244, 132412, 2341, 213412, 124];

const start = performance.now();
const threads = numbers.map((number) => {
  // A self-contained target: sent to the worker by source, so it declares what it uses.
  const thread = new Thread({
    target: (n) => {
      function* factorize(number) {
        for (let i = 1; i <= number; i++) if (number % i === 0) yield i;
      }
      return [...factorize(n)];
    },
    args: [number],
  });
  thread.start();
  return thread;
});

for (const thread of threads) {
  await thread.join();
  console.log(`Factors: [${thread.result.join(', ')}]`);
}
console.log(`Time consuming${((performance.now() - start) / 1000).toFixed(3)}`);
