// ProcessPoolExecutor as the shared behaviour suite sees it: tasks are self-contained functions,
// sent to the children by source.
import { ProcessPoolExecutor } from 'nogil/futures';
import type { ExecutorKind } from './kind.js';

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function gcdPair(pair: readonly [number, number]): number {
  let [a, b] = pair;
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

// A blocking sleep: the child's event loop does not run meanwhile (as a CPU-bound task).
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function fail(name: string, message: string): never {
  const Named = { [name]: class extends Error {} }[name] as new (message: string) => Error;
  const error = new Named(message);
  error.name = name;
  throw error;
}

/** Returns the item's value, or throws a RangeError with the item's message (self-contained). */
function maybeFail(item: readonly [value: number, message?: string]): number {
  if (item[1] !== undefined) throw new RangeError(item[1]);
  return item[0];
}

export const processKind: ExecutorKind = {
  name: 'ProcessPoolExecutor',
  create: (options) => new ProcessPoolExecutor(options),
  gcd: (a, b) => [gcd, a, b],
  sleep: (ms) => [sleep, ms],
  mapGcd: { fn: gcdPair, item: (a, b) => [a, b] },
  fail: (name, message) => [fail, name, message],
  mapMaybeFail: { fn: maybeFail, item: (value, message) => (message === undefined ? [value] : [value, message]) },
};
