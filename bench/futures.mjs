#!/usr/bin/env node
// nogil/futures benchmark: runs every section in bench/futures/*.mjs (one per backend, each
// `export async function run(report)`), then Python's own executors on the same 12 pairs as the
// reference row (bench/futures/python.mjs, last). Targets are issue 7's; figures go to
// BENCHMARKS.md with this command.
//
//   npm run bench:futures                      # every section
//   node bench/futures.mjs --only native       # one section (file name without .mjs)
//   node bench/futures.mjs --runs 7 --json out.json --no-python
//
// `report` is what a section gets: a function, `report(label, value, op, target)`, that prints a
// target line (PASS/MISS) and remembers it for the summary, with these properties:
//   report.runs            rounds per interleaved comparison
//   report.workers         pool size of the comparisons (2: the tutorial's and this machine's)
//   report.twelve          the tutorial's 12 [a, b] pairs
//   report.python          false with --no-python
//   report.record(name, data)   figures for --json
import { readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { check, machine, TWELVE_PAIRS } from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    json: { type: 'string' },
    runs: { type: 'string' },
    only: { type: 'string', multiple: true },
    'no-python': { type: 'boolean' },
  },
});

const targets = [];
const results = { machine: machine(), sections: {} };
const report = Object.assign((label, value, op, target) => check(targets, label, value, op, target), {
  runs: Number(opts.runs ?? 5),
  workers: 2,
  twelve: TWELVE_PAIRS,
  python: !opts['no-python'],
  record: (name, data) => {
    results.sections[name] = data;
  },
});

// Backends in name order, the Python reference last.
const dir = new URL('./futures/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4))
  .filter((name) => !opts.only || opts.only.includes(name))
  .sort((a, b) => (a === 'python') - (b === 'python') || a.localeCompare(b));

console.log(
  `nogil futures benchmark: ${results.machine}; ${report.workers} workers; median of ${report.runs} rounds\n`,
);
for (const name of files) {
  console.log(`== ${name}`);
  const { run } = await import(new URL(`${name}.mjs`, dir).href);
  await run(report);
  console.log();
}

const missed = targets.filter((t) => !t.ok);
console.log(missed.length === 0 ? 'all targets met' : `targets missed: ${missed.map((t) => t.label).join('; ')}`);
results.targets = targets;
if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
