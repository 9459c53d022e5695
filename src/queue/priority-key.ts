// Sort keys for PriorityQueue: an order-preserving byte encoding, so that comparing two items
// is comparing two byte strings in shared memory (no deserialising during heap operations).
//
// Python orders numbers numerically, strings by code point, and tuples element by element
// with a shorter prefix first (API detail 20: arrays play the tuples). Encoding:
//   number/boolean/bigint  0x10 + 8 bytes: the float64, big-endian, sign-flipped so unsigned
//                          byte order is numeric order (-0 is 0; NaN sorts after every number;
//                          bigints are compared as their nearest float64)
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
      w.number(Number(value));
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
