// FIFO storage: a ring of length-prefixed records over the shared byte buffer.
//
// Words (see layout.ts): S0 = HEAD (offset of the oldest record), S1 = TAIL (offset where the
// next record goes), S2 = USED (bytes in records). A record is a header word
// `(payloadLength << 3) | tag` at a 4-aligned offset, then the payload, padded to 4 bytes; the
// payload may wrap around the end of the buffer (the header never does: everything is
// 4-aligned and the capacity is a multiple of 4). HEAD == TAIL means empty when USED is 0,
// full when USED equals the capacity. Both reset to 0 whenever the queue empties.
import { align4, type Encoded } from './codec.js';
import { type Popped, S0, S1, S2, Storage } from './layout.js';

const HEAD = S0;
const TAIL = S1;
const USED = S2;

/** The FIFO ring (Queue, SimpleQueue). */
export class RingStorage extends Storage {
  recordSize(item: Encoded): number {
    return 4 + align4(item.payload.byteLength);
  }

  reserve(size: number): boolean {
    const used = this.ctrl[USED]!;
    if (used + size <= this.capacity) return true;
    return this.grow(used + size);
  }

  // After growing: a wrapped ring [HEAD, oldCap) + [0, TAIL) keeps its upper part at the new end.
  protected override relocate(oldCap: number): void {
    const ctrl = this.ctrl;
    const head = ctrl[HEAD]!;
    if (ctrl[USED]! === 0 || ctrl[TAIL]! > head) return;
    const newHead = this.capacity - (oldCap - head);
    this.u8.copyWithin(newHead, head, oldCap);
    ctrl[HEAD] = newHead;
  }

  push(item: Encoded, _seq: number): void {
    const ctrl = this.ctrl;
    const cap = this.capacity;
    const tail = ctrl[TAIL]!;
    const payload = item.payload;
    const len = payload.byteLength;
    this.i32[tail >> 2] = (len << 3) | item.tag;
    let at = tail + 4;
    if (at === cap) at = 0;
    const first = Math.min(len, cap - at);
    this.u8.set(first === len ? payload : payload.subarray(0, first), at);
    if (first < len) this.u8.set(payload.subarray(first), 0);
    const size = 4 + align4(len);
    ctrl[TAIL] = (tail + size) % cap;
    ctrl[USED] = ctrl[USED]! + size;
  }

  pop(): Popped {
    const ctrl = this.ctrl;
    const cap = this.capacity;
    const head = ctrl[HEAD]!;
    const header = this.i32[head >> 2]!;
    const len = header >>> 3;
    let at = head + 4;
    if (at === cap) at = 0;
    let payload: Uint8Array;
    if (at + len <= cap) {
      payload = this.u8.slice(at, at + len);
    } else {
      payload = new Uint8Array(len);
      const first = cap - at;
      payload.set(this.u8.subarray(at, cap), 0);
      payload.set(this.u8.subarray(0, len - first), first);
    }
    const size = 4 + align4(len);
    const used = ctrl[USED]! - size;
    ctrl[USED] = used;
    if (used === 0) {
      ctrl[HEAD] = 0;
      ctrl[TAIL] = 0;
    } else {
      ctrl[HEAD] = (head + size) % cap;
    }
    return { tag: header & 7, payload };
  }

  clear(): void {
    this.ctrl[HEAD] = 0;
    this.ctrl[TAIL] = 0;
    this.ctrl[USED] = 0;
  }
}
