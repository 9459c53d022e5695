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
  const error = new Error(message);
  error.name = name;
  throw error;
}

/** The thread pool kind (workers are worker_threads running functions sent by source). */
export const threadKind: ExecutorKind = {
  name: 'ThreadPoolExecutor',
  create: (options) => new ThreadPoolExecutor(options) as never,
  gcd: (a, b): Call => [gcd, a, b],
  sleep: (ms): Call => [sleep, ms],
  mapGcd: { fn: gcdPair, item: (a, b) => [a, b] },
  fail: (name, message): Call => [fail, name, message],
};

export default threadKind;
