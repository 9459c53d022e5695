// NativePoolExecutor as the shared behaviour suite sees it: tasks are native kernel names.
// Native kernels cannot throw at run time (bad arguments are refused at submit), so this kind
// has no `fail`.
import { NativePoolExecutor } from 'nogil/futures';
import type { ExecutorKind } from './kind.js';

export const native: ExecutorKind = {
  name: 'NativePoolExecutor',
  create: (options) => new NativePoolExecutor(options),
  gcd: (a, b) => ['gcd', a, b],
  sleep: (ms) => ['sleep', ms],
  mapGcd: { fn: 'gcd', item: (a, b) => [a, b] },
};
