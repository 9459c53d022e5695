// The shared suite's tasks for the executors that run JavaScript (thread and process pools).
// Each is self-contained (it is sent to the worker or child by source), so it uses nothing from
// this module's scope.

/** Euclid's gcd. */
export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** gcd of one `[a, b]` item (for `map`). */
export function gcdPair(pair: readonly [number, number]): number {
  let [x, y] = pair;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** Blocks the worker for `ms` (not a timer): Atomics.wait on memory nobody notifies. */
export function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Throws an error of a real subclass called `name` (it comes back with that name, message, stack). */
export function fail(name: string, message: string): never {
  const Named = { [name]: class extends Error {} }[name] as ErrorConstructor;
  const error = new Named(message);
  error.name = name;
  throw error;
}

/** Returns the item's value, or throws a RangeError with the item's message. */
export function maybeFail(item: readonly [value: number, message?: string]): number {
  if (item[1] !== undefined) throw new RangeError(item[1]);
  return item[0];
}
