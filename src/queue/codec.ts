// How items are stored as bytes: numbers, strings, booleans, null and undefined by hand (the
// common small items, several times cheaper than a serializer), everything else with
// `v8.serialize` (structured clone: the same data a postMessage would carry).
import { deserialize, serialize } from 'node:v8';
import { refuseShared } from '../internal/shareable.js';

/** Payload kinds (the low bits of a record's header word). */
export const TAG_F64 = 1;
export const TAG_STR = 2;
export const TAG_V8 = 3;
export const TAG_UNDEFINED = 4;
export const TAG_NULL = 5;
export const TAG_TRUE = 6;
export const TAG_FALSE = 7;

const EMPTY = new Uint8Array(0);

/** An item ready to be written: its tag and payload bytes (plus a sort key for priority queues). */
export interface Encoded {
  readonly tag: number;
  readonly payload: Uint8Array;
  key?: Uint8Array | undefined;
}

/**
 * Encodes an item. Throws (leaving every queue unchanged) a `TypeError` for a nogil primitive
 * and a `DOMException` named `DataCloneError` for anything structured clone refuses.
 */
export function encodeItem(item: unknown, where: string): Encoded {
  switch (typeof item) {
    case 'number': {
      const payload = new Uint8Array(8);
      new DataView(payload.buffer).setFloat64(0, item, true);
      return { tag: TAG_F64, payload };
    }
    case 'string':
      return { tag: TAG_STR, payload: Buffer.from(item, 'utf8') };
    case 'boolean':
      return { tag: item ? TAG_TRUE : TAG_FALSE, payload: EMPTY };
    case 'undefined':
      return { tag: TAG_UNDEFINED, payload: EMPTY };
    default:
      if (item === null) return { tag: TAG_NULL, payload: EMPTY };
  }
  refuseShared(item, where, 'item');
  try {
    return { tag: TAG_V8, payload: serialize(item) };
  } catch (error) {
    throw new DOMException(
      `${where}: the item cannot be cloned (${error instanceof Error ? error.message : String(error)}); the queue is unchanged`,
      'DataCloneError',
    );
  }
}

/** Decodes a payload copied out of the queue. */
export function decodeItem(tag: number, payload: Uint8Array): unknown {
  switch (tag) {
    case TAG_F64:
      return new DataView(payload.buffer, payload.byteOffset, 8).getFloat64(0, true);
    case TAG_STR:
      return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
    case TAG_V8:
      return deserialize(payload);
    case TAG_UNDEFINED:
      return undefined;
    case TAG_NULL:
      return null;
    case TAG_TRUE:
      return true;
    case TAG_FALSE:
      return false;
    default:
      throw new Error(`corrupt queue record (tag ${tag})`);
  }
}

/** Rounds up to a multiple of 4 (records keep 4-byte alignment). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}
