// Promises for native work, addressed by numeric id.
//
// The pool's promises are created here, in JavaScript (cheaper than N-API promises), and the
// addon reports results by id through one handler call per burst (see
// native/binding/src/napi/delivery.rs): numbers arrive packed in one Float64Array, everything
// else as `[id, tag, value]` entries.
//
// The hot path allocates and stores as little as possible per task: one promise and its
// resolve function (no per-task executor closure, no waiter object, no Map entry; not even the
// reject function: storing a second young function per task into these long-lived arrays
// costs a write barrier and scavenger work, 15 to 20% of submit throughput). Ids are slot
// numbers in a dense array, recycled through a free list once settled, so a steady stream of
// tasks reuses the same slots. Rejection goes through `resolve` too (resolving with a rejected
// promise rejects, two microtask turns later), and only non-number results, or tasks that want
// to hear when they settle, record anything more.
//
// Order: a task's promise always settles before the `close()` promise of its pool, which is
// delivered in the same burst or a later one. A fulfilled task settles at once; a rejected one
// two turns later; and the addon resolves `close()`'s promise with an already-resolved promise
// (see `settle_deferred` in delivery.rs), which also takes two turns, queued after the task's.
//
// This module registers itself with the addon as one *client* (see `registerClient` in
// native/binding/src/exports/pool.rs): another copy of nogil in the same process (two
// versions, a bundler duplicate) shares the addon but is another client, with its own ids.
import { binding } from './binding.js';

/** Tags of non-scalar completions (must match `delivery.rs`). */
const TAG_VALUE = 0;
const TAG_ERROR = 1;
const TAG_NUMBERS = 2;
const TAG_LISTS = 3;

/**
 * How a raw result becomes the value the caller sees: `floats` is a batch's `Float64Array` as
 * it came (typed in, typed out), `numbers` the same copied into a plain array.
 */
export type Shape = 'number' | 'list' | 'void' | 'floats' | 'numbers' | 'lists' | 'voids';

type Resolve = (value: unknown) => void;

/** What a slot records besides its functions, when it records anything. */
interface Extra {
  readonly shape: Shape;
  /** Called once, as the slot settles (before its promise's reactions run). */
  readonly onSettle: () => void;
}

const slots: Array<Resolve | undefined> = [];
const slotShapes: Array<Shape | Extra | undefined> = [];
const free: number[] = [];
let waitingNow = 0;
let clientNumber: number | undefined;
let captured: Resolve | undefined;
let lastPromise: Promise<unknown> | undefined;
const capture = (resolve: Resolve): void => {
  captured = resolve;
};

/** `values[start..end]` as a plain array: a preallocated loop, several times faster than `Array.from`. */
function plainArray(values: Float64Array, start: number, end: number): number[] {
  const out: number[] = new Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = values[i]!;
  return out;
}

function shapeValue(shape: Shape, value: unknown): unknown {
  switch (shape) {
    case 'void':
      return undefined;
    case 'numbers':
      return plainArray(value as Float64Array, 0, (value as Float64Array).length);
    case 'voids':
      return new Array((value as Float64Array).length).fill(undefined);
    case 'lists': {
      const [flat, offsets] = value as [Float64Array, Uint32Array];
      const out: number[][] = new Array(offsets.length - 1);
      for (let i = 0; i < out.length; i++) out[i] = plainArray(flat, offsets[i]!, offsets[i + 1]!);
      return out;
    }
    default:
      return value;
  }
}

function rejected(error: unknown): Promise<never> {
  const promise = Promise.reject(error);
  // The caller's promise adopts this one; mark it handled so it is never reported by itself.
  promise.catch(() => {});
  return promise;
}

/** Empties slot `id`; returns its shape record (undefined: a plain number). */
function take(id: number): Shape | Extra | undefined {
  const shape = slotShapes[id];
  slots[id] = undefined;
  if (shape !== undefined) slotShapes[id] = undefined;
  free.push(id);
  waitingNow--;
  return shape;
}

function settle(id: number, tag: number, value: unknown): void {
  const resolve = slots[id];
  if (resolve === undefined) return;
  const record = take(id);
  let shape: Shape = 'number';
  if (record !== undefined) {
    if (typeof record === 'string') shape = record;
    else {
      shape = record.shape;
      record.onSettle();
    }
  }
  if (tag === TAG_ERROR) resolve(rejected(value));
  else if (tag === TAG_VALUE || tag === TAG_NUMBERS || tag === TAG_LISTS) resolve(shapeValue(shape, value));
}

function onComplete(scalars: Float64Array, rest: Array<[number, number, unknown]>): void {
  for (let i = 0; i < scalars.length; i += 2) {
    const id = scalars[i]!;
    if (slotShapes[id] !== undefined) {
      settle(id, TAG_VALUE, scalars[i + 1]);
      continue;
    }
    // The hot path (a plain number), `take` inlined.
    const resolve = slots[id];
    if (resolve === undefined) continue;
    slots[id] = undefined;
    free.push(id);
    waitingNow--;
    resolve(scalars[i + 1]);
  }
  for (const [id, tag, value] of rest) settle(id, tag, value);
}

/** This copy's client number with the addon (registering on first use). */
export function client(): number {
  if (clientNumber === undefined) clientNumber = binding().registerClient(onComplete);
  return clientNumber;
}

/**
 * Registers a new id and returns it; {@link lastExpected} returns its promise. (Two calls
 * rather than one returning `{ id, promise }`, so the hot path allocates no result object.)
 */
export function expect(shape: Shape, onSettle?: () => void): number {
  const id = free.length > 0 ? free.pop()! : slots.length;
  lastPromise = new Promise(capture);
  const record = onSettle === undefined ? (shape === 'number' ? undefined : shape) : { shape, onSettle };
  if (id === slots.length) {
    slots.push(captured);
    slotShapes.push(record);
  } else {
    slots[id] = captured;
    if (record !== undefined) slotShapes[id] = record;
  }
  waitingNow++;
  return id;
}

/** The promise of the id returned by the latest {@link expect} call. */
export function lastExpected<T>(): Promise<T> {
  return lastPromise as Promise<T>;
}

/** Fails a waiting id from JavaScript (the addon refused the work, or it was aborted). */
export function fail(id: number, error: unknown): void {
  settle(id, TAG_ERROR, error);
}

/** How many promises wait on native work (for tests and diagnostics). */
export function waitingCount(): number {
  return waitingNow;
}
