// Sort keys for PriorityQueue: an order-preserving byte encoding, so that comparing two items
// is comparing two byte strings in shared memory (no deserialising during heap operations).
//
// Python orders numbers numerically, strings by code point, and tuples element by element
// with a shorter prefix first (API detail 20: arrays play the tuples). Encoding:
//   number/boolean/bigint  0x10 + 8 bytes + a remainder: the value v is written as F, the
//                          largest float64 <= v (big-endian, sign-flipped so unsigned byte order
//                          is numeric order; -0 is 0; NaN sorts after every number), then the
//                          exact remainder v - F >= 0 (numbers: always 0): 0x00 when it is 0,
//                          else 0x01 + its length in bytes (4, big-endian) + its magnitude
//                          (big-endian). Equal F, then a longer remainder is a larger one, so
//                          BigInts and numbers compare exactly, mixed too (2n**64n + 1n after
//                          2n**64n, 2**53 before 2n**53n + 1n). A bigint below -Number.MAX_VALUE
//                          has F = -Infinity and the remainder written reversed (0x01 + the
//                          complemented length and magnitude of -v), so larger magnitudes sort
//                          first, all after -Infinity itself.
//   string                 0x20 + UTF-8 (byte order = code point order; a lone surrogate as
//                          its own code point's 3 bytes), 0x00 escaped as
//                          0x00 0xFF, terminated by 0x00 0x00
//   array                  0x30 + each element's encoding + 0x00 (below every tag: shorter first)
//   anything else          0x40, and the key ends: items equal up to such an element are
//                          equal, and come out in insertion order (Python would raise TypeError
//                          comparing, say, two dicts)
// Values of different kinds order numbers < strings < arrays < others (Python raises TypeError).
// Equal keys come out first-in, first-out (by insertion sequence).

const T_NUM = 0x10;
const T_STR = 0x20;
const T_ARR = 0x30;
const T_OTHER = 0x40;

// UTF-8 of the string's code points. A lone surrogate (which `Buffer.from(s, 'utf8')` would turn
// into U+FFFD, making distinct strings equal) is written as the 3-byte form of its own code point
// (as WTF-8 does), so byte order stays code point order, as Python compares strings.
function utf8CodePoints(s: string): Uint8Array {
  const wellFormed = (s as unknown as { isWellFormed(): boolean }).isWellFormed();
  if (wellFormed) return Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}

const scratch = new DataView(new ArrayBuffer(8));

// The next float64 below a finite f (-Infinity below -Number.MAX_VALUE).
function nextDown(f: number): number {
  if (f === 0) return -Number.MIN_VALUE;
  scratch.setFloat64(0, f);
  const bits = scratch.getBigUint64(0);
  scratch.setBigUint64(0, f > 0 ? bits - 1n : bits + 1n);
  return scratch.getFloat64(0);
}

// The largest float64 <= v (exact: Number(v) rounds to nearest, so it may be one step above).
function floorFloat64(v: bigint): number {
  const f = Number(v);
  if (f === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  if (f === Number.NEGATIVE_INFINITY) return f;
  return BigInt(f) > v ? nextDown(f) : f;
}

class Writer {
  buf = new Uint8Array(32);
  len = 0;
  #f64 = new DataView(new ArrayBuffer(8));

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  number(n: number): void {
    this.float(n);
    this.byte(0); // no remainder
  }

  bigint(v: bigint): void {
    const f = floorFloat64(v);
    this.float(f);
    if (f === Number.NEGATIVE_INFINITY) {
      this.magnitude(-v, true);
      return;
    }
    const rest = v - BigInt(f);
    if (rest === 0n) this.byte(0);
    else this.magnitude(rest, false);
  }

  // 0x01, the byte length (4 bytes) and the big-endian bytes of m > 0; complemented if `reversed`.
  magnitude(m: bigint, reversed: boolean): void {
    let hex = m.toString(16);
    if (hex.length % 2 === 1) hex = `0${hex}`;
    const n = hex.length / 2;
    const flip = reversed ? 0xff : 0;
    this.ensure(5 + n);
    this.buf[this.len++] = 1;
    for (let shift = 24; shift >= 0; shift -= 8) this.buf[this.len++] = ((n >>> shift) & 0xff) ^ flip;
    for (let i = 0; i < n; i++) this.buf[this.len++] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16) ^ flip;
  }

  float(n: number): void {
    if (Object.is(n, -0)) n = 0;
    if (Number.isNaN(n)) n = Number.NaN; // one canonical NaN
    this.#f64.setFloat64(0, n, false);
    this.ensure(9);
    this.buf[this.len++] = T_NUM;
    const negative = (this.#f64.getUint8(0) & 0x80) !== 0;
    for (let i = 0; i < 8; i++) {
      const b = this.#f64.getUint8(i);
      this.buf[this.len++] = negative ? ~b & 0xff : i === 0 ? b ^ 0x80 : b;
    }
  }

  string(s: string): void {
    const bytes = utf8CodePoints(s);
    this.ensure(bytes.length * 2 + 3);
    this.buf[this.len++] = T_STR;
    for (const b of bytes) {
      this.buf[this.len++] = b;
      if (b === 0) this.buf[this.len++] = 0xff;
    }
    this.buf[this.len++] = 0;
    this.buf[this.len++] = 0;
  }
}

// Returns false once an incomparable element ended the key.
function write(w: Writer, value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'number':
      w.number(value);
      return true;
    case 'boolean':
      w.number(value ? 1 : 0);
      return true;
    case 'bigint':
      w.bigint(value);
      return true;
    case 'string':
      w.string(value);
      return true;
    default:
      if (Array.isArray(value) && depth < 64) {
        w.byte(T_ARR);
        for (const element of value) if (!write(w, element, depth + 1)) return false;
        w.byte(0);
        return true;
      }
      w.byte(T_OTHER);
      return false;
  }
}

/** The sort key of an item. */
export function priorityKey(item: unknown): Uint8Array {
  const w = new Writer();
  write(w, item, 0);
  return w.buf.slice(0, w.len);
}
