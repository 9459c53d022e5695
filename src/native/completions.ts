// Promises for native work, addressed by numeric id.
//
// The pool's promises are created here, in JavaScript (cheaper than N-API promises), and the
// addon reports results by id through one handler call per burst (see
// native/binding/src/napi/delivery.rs): numbers arrive packed in one Float64Array, everything
// else as `[id, tag, value]` entries.
//
// The hot path allocates as little as possible per task: one promise and its resolve function
// (no per-task executor closure, no waiter object, no Map entry). Ids are slot numbers in a
// dense array, recycled through a free list once settled, so a steady stream of tasks reuses
// the same slots. Rejection goes through `resolve` too (resolving with a rejected promise
// rejects), and only non-number results record a shape.
import { binding } from './binding.js';

/** Tags of non-scalar completions (must match `delivery.rs`). */
const TAG_VALUE = 0;
const TAG_ERROR = 1;
const TAG_NUMBERS = 2;
const TAG_LISTS = 3;

/** How a raw result becomes the value the caller sees. */
export type Shape = 'number' | 'list' | 'void' | 'numbers' | 'lists' | 'voids';

type Resolve = (value: unknown) => void;

const slots: Array<Resolve | undefined> = [];
const slotShapes: Array<Shape | undefined> = [];
const free: number[] = [];
let waitingNow = 0;
let installed = false;
let captured: Resolve | undefined;
let lastPromise: Promise<unknown> | undefined;
const capture = (resolve: Resolve): void => {
  captured = resolve;
};

function shapeValue(shape: Shape, value: unknown): unknown {
  switch (shape) {
    case 'void':
      return undefined;
    case 'numbers':
      return Array.from(value as Float64Array);
    case 'voids':
      return new Array((value as Float64Array).length).fill(undefined);
    case 'lists': {
      const [flat, offsets] = value as [Float64Array, Uint32Array];
      const out: number[][] = new Array(offsets.length - 1);
      for (let i = 0; i < out.length; i++) out[i] = Array.from(flat.subarray(offsets[i], offsets[i + 1]));
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

/** Empties slot `id` and returns its resolve function (undefined if it was empty). */
function take(id: number): Resolve | undefined {
  const resolve = slots[id];
  if (resolve === undefined) return undefined;
  slots[id] = undefined;
  free.push(id);
  waitingNow--;
  return resolve;
}

function settle(id: number, tag: number, value: unknown): void {
  const shape = slotShapes[id];
  const resolve = take(id);
  if (resolve === undefined) return;
  if (shape !== undefined) slotShapes[id] = undefined;
  if (tag === TAG_ERROR) resolve(rejected(value));
  else if (tag === TAG_VALUE || tag === TAG_NUMBERS || tag === TAG_LISTS) resolve(shapeValue(shape ?? 'number', value));
}

function onComplete(scalars: Float64Array, rest: Array<[number, number, unknown]>): void {
  for (let i = 0; i < scalars.length; i += 2) {
    const id = scalars[i]!;
    const shape = slotShapes[id];
    const resolve = take(id);
    if (resolve === undefined) continue;
    if (shape === undefined) {
      resolve(scalars[i + 1]);
    } else {
      slotShapes[id] = undefined;
      resolve(shapeValue(shape, scalars[i + 1]));
    }
  }
  for (const [id, tag, value] of rest) settle(id, tag, value);
}

/**
 * Registers a new id and returns it; {@link lastExpected} returns its promise. (Two calls
 * rather than one returning `{ id, promise }`, so the hot path allocates no result object.)
 */
export function expect(shape: Shape): number {
  if (!installed) {
    binding().setCompletionHandler(onComplete);
    installed = true;
  }
  const id = free.length > 0 ? free.pop()! : slots.length;
  lastPromise = new Promise(capture);
  if (id === slots.length) {
    slots.push(captured);
    slotShapes.push(shape === 'number' ? undefined : shape);
  } else {
    slots[id] = captured;
    if (shape !== 'number') slotShapes[id] = shape;
  }
  waitingNow++;
  return id;
}

/** The promise of the id returned by the latest {@link expect} call. */
export function lastExpected<T>(): Promise<T> {
  return lastPromise as Promise<T>;
}

/** Fails a waiting id from JavaScript (the addon refused the work it belonged to). */
export function fail(id: number, error: unknown): void {
  settle(id, TAG_ERROR, error);
}

/** How many promises wait on native work (for tests and diagnostics). */
export function waitingCount(): number {
  return waitingNow;
}
