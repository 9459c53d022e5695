// The bench kernels in plain JavaScript, callable with one argument tuple: what the thread,
// process, piscina and fork backends run in their workers (and serial-js on the main thread).
// Imports nothing native, so workers never load the addon.
import * as js from '../../native/js.js';
import type { Args, Kernel } from './workloads.js';

const nap = new Int32Array(new SharedArrayBuffer(4));

/** A blocking sleep of `ms` (the thread really blocks, as a system call would). */
function sleep(ms: number): undefined {
  Atomics.wait(nap, 0, 0, ms);
  return undefined;
}

/** Runs one kernel call in JavaScript. */
export function runKernel(kernel: Kernel, args: Args): unknown {
  switch (kernel) {
    case 'bruteGcd':
      return js.bruteGcd(args[0] as number, args[1] as number);
    case 'gcd':
      return js.gcd(args[0] as number, args[1] as number);
    case 'factorize':
      return js.factorize(args[0] as number);
    case 'sleep':
      return sleep(args[0] as number);
  }
}

/** A result folded into a number, so every backend's output can be checked cheaply. */
export function checksumOf(results: Iterable<unknown>): number {
  let sum = 0;
  for (const r of results) {
    if (typeof r === 'number') sum += r;
    else if (Array.isArray(r)) for (const x of r) sum += x as number;
    else sum += 1; // sleep: undefined (Python: None)
  }
  return sum;
}

// Task functions in the shape executor.map calls them: one item (the argument tuple).
/** `bruteGcd` of one pair. */
export const bruteGcd = (args: Args) => runKernel('bruteGcd', args);
/** Euclid's `gcd` of one pair. */
export const gcd = (args: Args) => runKernel('gcd', args);
/** All divisors of `[n]`. */
export const factorize = (args: Args) => runKernel('factorize', args);
/** A blocking sleep of `[ms]`. */
export const sleepTask = (args: Args) => runKernel('sleep', args);
