// ES2024 shared-memory APIs that Node 20 has (V8 11.3) but the project's `lib` (ES2023) does not
// type: `Atomics.waitAsync` and growable SharedArrayBuffers. Typed here once, so the rest of the
// code stays free of casts.

/** The result of `Atomics.waitAsync`. */
export type WaitAsyncResult =
  | { readonly async: false; readonly value: 'not-equal' | 'timed-out' }
  | { readonly async: true; readonly value: Promise<'ok' | 'timed-out'> };

/** `Atomics.waitAsync(array, index, value, timeout)`. */
export const atomicsWaitAsync: (arr: Int32Array, index: number, value: number, timeout?: number) => WaitAsyncResult = (
  Atomics as unknown as {
    waitAsync: (arr: Int32Array, index: number, value: number, timeout?: number) => WaitAsyncResult;
  }
).waitAsync;

interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  readonly growable: boolean;
  readonly maxByteLength: number;
  grow(newLength: number): void;
}

/** A SharedArrayBuffer of `length` bytes that can grow (in place, for every thread) up to `maxByteLength`. */
export function growableSharedArrayBuffer(length: number, maxByteLength: number): SharedArrayBuffer {
  const Ctor = SharedArrayBuffer as unknown as new (
    length: number,
    options: { maxByteLength: number },
  ) => SharedArrayBuffer;
  return new Ctor(length, { maxByteLength });
}

/** Grows a growable SharedArrayBuffer to `length` bytes (throws RangeError if it cannot). */
export function growSharedArrayBuffer(sab: SharedArrayBuffer, length: number): void {
  (sab as GrowableSharedArrayBuffer).grow(length);
}

/** The most a growable SharedArrayBuffer may grow to (its length if not growable). */
export function maxByteLengthOf(sab: SharedArrayBuffer): number {
  return (sab as Partial<GrowableSharedArrayBuffer>).maxByteLength ?? sab.byteLength;
}
