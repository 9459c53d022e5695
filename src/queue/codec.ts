// How items are stored as bytes.
//
// Most queue items are small: numbers, short strings, plain objects and arrays of those
// (`{ id, name }`, `[priority, data]`). Those are written by hand: a number is its 8 bytes, and
// plain objects/arrays use a compact tagged format (COMPACT) that costs a fraction of
// `v8.serialize`, whose fixed cost per call dominates small items. Everything else (Maps, Dates,
// typed arrays, bigints, cycles, shared references, class instances...) goes through
// `v8.serialize`, i.e. structured clone, the same data a postMessage would carry. Both ways
// produce what structured clone would: same values, same property order, no prototypes.
//
// Record payload kinds (the low 3 bits of a record's header word):
//   F64      the number's 8 bytes (little-endian)
//   STR      a top-level string, UTF-8 (strings with a lone surrogate, which UTF-8 cannot carry,
//            go to V8 instead, here and inside COMPACT values)
//   V8       v8.serialize output
//   CONST    1 byte: 0 undefined, 1 null, 2 false, 3 true
//   COMPACT  the format below
// COMPACT values: a type byte, then
//   0 undefined | 1 null | 2 false | 3 true | 4 f64 (8 bytes) | 5 int32 (4 bytes)
//   6 string: u32 byte length + UTF-8 | 7 array: u32 length + elements | 8 object: u32 count +
//   (key as a string without its type byte, value) per property

import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { refuseShared } from '../internal/shareable.js';

export const TAG_F64 = 1;
export const TAG_STR = 2;
export const TAG_V8 = 3;
export const TAG_CONST = 4;
export const TAG_COMPACT = 5;

const C_UNDEFINED = 0;
const C_NULL = 1;
const C_FALSE = 2;
const C_TRUE = 3;
const C_F64 = 4;
const C_I32 = 5;
const C_STR = 6;
const C_ARR = 7;
const C_OBJ = 8;

// Limits of the compact format; anything beyond goes to v8.serialize.
const MAX_DEPTH = 32;
const MAX_CONTAINER = 256;

const EMPTY = Buffer.alloc(0);
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

/** An item ready to be written into a queue record. */
export interface Encoded {
  readonly tag: number;
  /** Payload length in bytes. */
  readonly len: number;
  /** The number (F64) or the constant (CONST). */
  readonly num: number;
  /** The payload bytes (STR, V8, COMPACT); may be a shared scratch until `own()`. */
  payload: Uint8Array;
  /** Priority queues: the item's sort key. */
  key?: Uint8Array | undefined;
}

// The compact writer's scratch buffer (grown on demand, reused: encoding is synchronous).
// Its own ArrayBuffer (not a slice of Node's Buffer pool), so `own()` can tell scratch bytes apart.
let scratch = Buffer.allocUnsafeSlow(1024);
let pos = 0;

function ensure(n: number): void {
  if (pos + n <= scratch.length) return;
  let size = scratch.length * 2;
  while (size < pos + n) size *= 2;
  const next = Buffer.allocUnsafeSlow(size);
  scratch.copy(next, 0, 0, pos);
  scratch = next;
}

function writeU32(n: number): void {
  scratch[pos++] = n & 0xff;
  scratch[pos++] = (n >>> 8) & 0xff;
  scratch[pos++] = (n >>> 16) & 0xff;
  scratch[pos++] = n >>> 24;
}

// `String.prototype.isWellFormed` (ES2024, in Node 20's V8; not in the project's ES2023 lib):
// false for a string with a lone surrogate, which UTF-8 cannot carry (it would come out as
// U+FFFD). Such strings go through v8.serialize, which keeps them, as structured clone does.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

// A string as u32 length + UTF-8; short ASCII strings by hand (cheaper than a native call).
// False (nothing sensible written) for a string UTF-8 cannot carry.
function writeString(s: string): boolean {
  const n = s.length;
  if (n <= 64) {
    ensure(4 + n);
    const start = pos;
    pos += 4;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      scratch[pos++] = c;
    }
    if (i === n) {
      pos = start;
      writeU32(n);
      pos += n;
      return true;
    }
    pos = start;
  }
  if (!isWellFormed(s)) return false;
  const bytes = Buffer.byteLength(s, 'utf8');
  ensure(4 + bytes);
  writeU32(bytes);
  scratch.write(s, pos, bytes, 'utf8');
  pos += bytes;
  return true;
}

// Writes a value in the compact format; false if it needs structured clone proper.
function writeCompact(value: unknown, depth: number, seen: object[]): boolean {
  ensure(9);
  switch (typeof value) {
    case 'number':
      if ((value | 0) === value && !Object.is(value, -0)) {
        scratch[pos++] = C_I32;
        writeU32(value);
      } else {
        scratch[pos++] = C_F64;
        f64[0] = value;
        for (let i = 0; i < 8; i++) scratch[pos++] = f64Bytes[i]!;
      }
      return true;
    case 'string':
      scratch[pos++] = C_STR;
      return writeString(value);
    case 'boolean':
      scratch[pos++] = value ? C_TRUE : C_FALSE;
      return true;
    case 'undefined':
      scratch[pos++] = C_UNDEFINED;
      return true;
    case 'object': {
      if (value === null) {
        scratch[pos++] = C_NULL;
        return true;
      }
      if (depth >= MAX_DEPTH || seen.includes(value) || types.isProxy(value)) return false;
      if (Array.isArray(value)) {
        const n = value.length;
        // Holes and extra named properties are structured clone's business.
        if (n > MAX_CONTAINER || Object.keys(value).length !== n) return false;
        seen.push(value);
        scratch[pos++] = C_ARR;
        writeU32(n);
        for (let i = 0; i < n; i++) if (!writeCompact(value[i], depth + 1, seen)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      const keys = Object.keys(value);
      if (keys.length > MAX_CONTAINER) return false;
      seen.push(value);
      scratch[pos++] = C_OBJ;
      writeU32(keys.length);
      for (const k of keys) {
        if (!writeString(k) || !writeCompact((value as Record<string, unknown>)[k], depth + 1, seen)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * Encodes an item. Throws (leaving every queue unchanged) a `TypeError` for a nogil primitive
 * and a `DOMException` named `DataCloneError` for anything structured clone refuses. The
 * payload may live in a scratch buffer: call `own()` before anything else is encoded.
 */
export function encodeItem(item: unknown, where: string): Encoded {
  switch (typeof item) {
    case 'number':
      return { tag: TAG_F64, len: 8, num: item, payload: EMPTY };
    case 'string': {
      if (!isWellFormed(item)) break; // a lone surrogate: v8.serialize below keeps it
      const payload = Buffer.from(item, 'utf8');
      return { tag: TAG_STR, len: payload.length, num: 0, payload };
    }
    case 'boolean':
      return { tag: TAG_CONST, len: 1, num: item ? C_TRUE : C_FALSE, payload: EMPTY };
    case 'undefined':
      return { tag: TAG_CONST, len: 1, num: C_UNDEFINED, payload: EMPTY };
    case 'object':
      if (item === null) return { tag: TAG_CONST, len: 1, num: C_NULL, payload: EMPTY };
      break;
  }
  pos = 0;
  if (writeCompact(item, 0, [])) {
    return { tag: TAG_COMPACT, len: pos, num: 0, payload: scratch.subarray(0, pos) };
  }
  // Not plain data (a nogil primitive never is: its class is not Object). Structured clone
  // would silently turn a primitive into an empty object: refuse it by name instead.
  refuseShared(item, where, 'item');
  try {
    const payload = serialize(item);
    return { tag: TAG_V8, len: payload.length, num: 0, payload };
  } catch (error) {
    throw new DOMException(
      `${where}: the item cannot be cloned (${error instanceof Error ? error.message : String(error)}); the queue is unchanged`,
      'DataCloneError',
    );
  }
}

/** Gives an encoded item its own payload bytes (before any await, or another encode). */
export function own(item: Encoded): Encoded {
  if (item.tag === TAG_COMPACT && item.payload.buffer === scratch.buffer) item.payload = Buffer.from(item.payload);
  return item;
}

/** Writes an item's payload at `at` (the record's space is reserved). */
export function writePayload(item: Encoded, u8: Uint8Array, at: number): void {
  if (item.tag === TAG_F64) {
    f64[0] = item.num;
    for (let i = 0; i < 8; i++) u8[at + i] = f64Bytes[i]!;
  } else if (item.tag === TAG_CONST) {
    u8[at] = item.num;
  } else {
    u8.set(item.payload, at);
  }
}

// ---------------------------------------------------------------- decoding

let src: Uint8Array = EMPTY;
let rpos = 0;

function readU32(): number {
  const v = src[rpos]! | (src[rpos + 1]! << 8) | (src[rpos + 2]! << 16) | (src[rpos + 3]! << 24);
  rpos += 4;
  return v >>> 0;
}

function readF64(): number {
  for (let i = 0; i < 8; i++) f64Bytes[i] = src[rpos + i]!;
  rpos += 8;
  return f64[0]!;
}

// UTF-8 at [at, at + len): short ASCII by hand (cheaper than a native call), else Buffer.
function utf8At(u8: Uint8Array, at: number, len: number): string {
  if (len <= 64) {
    let s = '';
    let i = at;
    const end = at + len;
    for (; i < end; i++) {
      const b = u8[i]!;
      if (b >= 0x80) break;
      s += String.fromCharCode(b);
    }
    if (i === end) return s;
  }
  return Buffer.from(u8.buffer, u8.byteOffset + at, len).toString('utf8');
}

function readString(): string {
  const n = readU32();
  const s = utf8At(src, rpos, n);
  rpos += n;
  return s;
}

function readCompact(): unknown {
  switch (src[rpos++]) {
    case C_UNDEFINED:
      return undefined;
    case C_NULL:
      return null;
    case C_FALSE:
      return false;
    case C_TRUE:
      return true;
    case C_F64:
      return readF64();
    case C_I32:
      return readU32() | 0;
    case C_STR:
      return readString();
    case C_ARR: {
      const n = readU32();
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = readCompact();
      return out;
    }
    case C_OBJ: {
      const n = readU32();
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = readString();
        const value = readCompact();
        if (key === '__proto__') {
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        } else {
          out[key] = value;
        }
      }
      return out;
    }
    default:
      throw new Error('corrupt queue record');
  }
}

/**
 * Decodes a payload of `len` bytes at `at` in `u8` (the queue's shared buffer, under its mutex,
 * or a copy). V8 payloads must be passed as a copy (see `needsCopy`).
 */
export function decodeAt(tag: number, u8: Uint8Array, at: number, len: number): unknown {
  switch (tag) {
    case TAG_F64:
      src = u8;
      rpos = at;
      return readF64();
    case TAG_CONST:
      return u8[at] === C_UNDEFINED ? undefined : u8[at] === C_NULL ? null : u8[at] === C_TRUE;
    case TAG_STR:
      return utf8At(u8, at, len);
    case TAG_COMPACT:
      src = u8;
      rpos = at;
      return readCompact();
    case TAG_V8:
      return deserialize(u8.subarray(at, at + len));
    default:
      throw new Error(`corrupt queue record (tag ${tag})`);
  }
}

/** Whether a payload must be copied out of shared memory and decoded after the mutex is released. */
export function needsCopy(tag: number, len: number): boolean {
  return tag === TAG_V8 || len > 4096;
}

/** Rounds up to a multiple of 4 (records keep 4-byte alignment). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}
