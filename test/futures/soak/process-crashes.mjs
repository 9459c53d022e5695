#!/usr/bin/env node
// Soak: 200 child crashes in a row through one ProcessPoolExecutor (process.exit, an uncaught
// error in a timer, SIGKILL, in turn), each failing only its own future while a
// healthy task completes beside it; then shutdown, and no child of this process is left.
// Over a minute on a loaded 2-core machine, so outside `npm test`:
//
//   node test/futures/soak/process-crashes.mjs [--crashes 200]
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BrokenProcessPool, ProcessPoolExecutor } from 'nogil/futures';

const { values } = parseArgs({ options: { crashes: { type: 'string', default: '200' } } });
const CRASHES = Number(values.crashes);

function children() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

const exitTask = () => process.exit(7);
const timerTask = () => {
  setTimeout(() => {
    throw new Error('late');
  });
  return new Promise(() => {});
};
const killTask = () => process.kill(process.pid, 'SIGKILL');
const add = (a, b) => a + b;

const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
const started = performance.now();
let most = 0;
for (let i = 0; i < CRASHES; i++) {
  const crashed = executor.submit([exitTask, timerTask, killTask][i % 3]);
  const healthy = executor.submit(add, i, 2);
  const outcome = await crashed.then(
    () => 'resolved',
    (error) => error,
  );
  if (!(outcome instanceof BrokenProcessPool))
    throw new Error(`round ${i}: expected BrokenProcessPool, got ${outcome}`);
  if ((await healthy) !== i + 2) throw new Error(`round ${i}: the healthy task failed`);
  most = Math.max(most, children().length);
}
await executor.shutdown();
const left = children();
console.log(
  `${CRASHES} crashes in ${((performance.now() - started) / 1000).toFixed(1)} s; at most ${most} children at once; ` +
    `${left.length} left after shutdown`,
);
if (left.length > 0 || most > 4) process.exit(1);
