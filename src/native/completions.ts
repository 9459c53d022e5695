// Promises for native work, addressed by numeric id.
//
// The pool's promises are created here, in JavaScript (cheaper than N-API promises), and the
// addon reports results by id through one handler call per burst (see
// native/binding/src/napi/delivery.rs): numbers arrive packed in one Float64Array, everything
// else as `[id, tag, value]` entries.
import { binding } from './binding.js';

/** Tags of non-scalar completions (must match `delivery.rs`). */
const TAG_VALUE = 0;
const TAG_ERROR = 1;
const TAG_NUMBERS = 2;
const TAG_LISTS = 3;

/** How a raw result becomes the value the caller sees. */
export type Shape = 'number' | 'list' | 'void' | 'numbers' | 'lists' | 'voids';

interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  shape: Shape;
}

const waiting = new Map<number, Waiter>();
let nextId = 1;
let installed = false;

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

function onComplete(scalars: Float64Array, rest: Array<[number, number, unknown]>): void {
  for (let i = 0; i < scalars.length; i += 2) {
    const id = scalars[i]!;
    const waiter = waiting.get(id);
    if (!waiter) continue;
    waiting.delete(id);
    waiter.resolve(waiter.shape === 'void' ? undefined : scalars[i + 1]);
  }
  for (const [id, tag, value] of rest) {
    const waiter = waiting.get(id);
    if (!waiter) continue;
    waiting.delete(id);
    if (tag === TAG_ERROR) waiter.reject(value);
    else if (tag === TAG_VALUE || tag === TAG_NUMBERS || tag === TAG_LISTS)
      waiter.resolve(shapeValue(waiter.shape, value));
  }
}

/** A new id and the promise that its completion settles. */
export function expect<T>(shape: Shape): { id: number; promise: Promise<T> } {
  if (!installed) {
    binding().setCompletionHandler(onComplete);
    installed = true;
  }
  const id = nextId++;
  const promise = new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject, shape });
  });
  return { id, promise };
}

/** Fails a waiting id from JavaScript (the addon refused the work it belonged to). */
export function fail(id: number, error: unknown): void {
  const waiter = waiting.get(id);
  if (!waiter) return;
  waiting.delete(id);
  waiter.reject(error);
}

/** How many promises wait on native work (for tests and diagnostics). */
export function waitingCount(): number {
  return waiting.size;
}
