// ProcessPoolExecutor as the shared behaviour suite sees it: tasks are self-contained functions,
// sent to the children by source.
import { ProcessPoolExecutor } from 'nogil/futures';
import { fail, gcd, gcdPair, maybeFail, sleep } from './js-tasks.js';
import type { ExecutorKind } from './kind.js';

export const processKind: ExecutorKind = {
  name: 'ProcessPoolExecutor',
  create: (options) => new ProcessPoolExecutor(options),
  gcd: (a, b) => [gcd, a, b],
  sleep: (ms) => [sleep, ms],
  mapGcd: { fn: gcdPair, item: (a, b) => [a, b] },
  fail: (name, message) => [fail, name, message],
  mapMaybeFail: { fn: maybeFail, item: (value, message) => (message === undefined ? [value] : [value, message]) },
};
