// Tutorial, section 1: ten children run in parallel, so ten `sleep 0.5` take about 0.5 s.
//
//   procs = [subprocess.Popen(['sleep', str(0.5)]) for _ in range(10)]
//   results = [proc.wait() for proc in procs]
//
// Run: npm run build:ts && node examples/subprocess/parallel-sleep.mjs
import { Popen } from 'nogil/subprocess';

/** Starts a child that takes `period` seconds (a stand-in for real work). */
function runSleep(period) {
  return new Popen(['sleep', String(period)]);
}

const tic = performance.now();
const procs = [];
for (let i = 0; i < 10; i++) procs.push(runSleep(0.5));

const results = [];
for (const proc of procs) results.push(await proc.wait());

const toc = performance.now();
// Python prints a list and seconds: `[0, 0, ...]` and `Done 0.528...`.
console.log(`[${results.join(', ')}]`);
console.log('Done', (toc - tic) / 1000);
