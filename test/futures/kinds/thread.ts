// ThreadPoolExecutor as the shared behaviour suite sees it: tasks are self-contained functions
// (sent by source to the workers), so each one below uses nothing from its enclosing scope.
import { ThreadPoolExecutor } from 'nogil/futures';
import { fail, gcd, gcdPair, maybeFail, sleep } from './js-tasks.js';
import type { Call, ExecutorKind } from './kind.js';

/** The thread pool kind (workers are worker_threads running functions sent by source). */
export const threadKind: ExecutorKind = {
  name: 'ThreadPoolExecutor',
  create: (options) => new ThreadPoolExecutor(options) as never,
  gcd: (a, b): Call => [gcd, a, b],
  sleep: (ms): Call => [sleep, ms],
  mapGcd: { fn: gcdPair, item: (a, b) => [a, b] },
  fail: (name, message): Call => [fail, name, message],
  mapMaybeFail: { fn: maybeFail, item: (value, message) => (message === undefined ? [value] : [value, message]) },
};

export default threadKind;
