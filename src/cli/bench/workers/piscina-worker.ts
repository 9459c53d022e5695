// The piscina worker of `nogil bench`: one kernel call per task, in plain JavaScript.
import { runKernel } from '../kernels.js';
import type { Args, Kernel } from '../workloads.js';

/** Runs `{ kernel, args }`. */
export default function run({ kernel, args }: { kernel: Kernel; args: Args }): unknown {
  return runKernel(kernel, args);
}
