// ThreadPoolExecutor as the shared behaviour suite sees it: tasks are self-contained functions
// (sent by source to the workers), so each one below uses nothing from its enclosing scope.
import { ThreadPoolExecutor } from 'nogil/futures';
import type { Call, ExecutorKind } from './kind.js';

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function sleep(ms: number): void {
  // Blocks the worker (not a timer): Atomics.wait on memory nobody notifies.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function gcdPair(pair: readonly [number, number]): number {
  let [x, y] = pair;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function fail(name: string, message: string): never {
  // A real subclass called `name` (its class does not cross threads: the error comes back as an
  // Error with that name, message and stack).
  const Named = { [name]: class extends Error {} }[name] as ErrorConstructor;
  const error = new Named(message);
  error.name = name;
  throw error;
}

/** Returns the item's value, or throws a RangeError with the item's message (self-contained). */
function maybeFail(item: readonly [value: number, message?: string]): number {
  if (item[1] !== undefined) throw new RangeError(item[1]);
  return item[0];
}

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
