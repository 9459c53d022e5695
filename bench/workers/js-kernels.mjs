// Piscina worker for the benchmarks: the plain-JS kernels (what a worker_threads pool runs).
import { js } from 'nogil/native';

/** Runs one kernel call: `{ kernel, args }`. */
export default function run({ kernel, args }) {
  return js[kernel](...args);
}

/** Runs a batch of calls (piscina's best case for tiny tasks: one message per batch). */
export function batch({ kernel, inputs }) {
  return inputs.map((args) => js[kernel](...args));
}
