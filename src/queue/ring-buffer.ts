// FIFO storage: a ring of records over the shared byte buffer.
//
// Words (see layout.ts): S0 = HEAD (offset of the oldest record), S1 = TAIL (offset where the
// next record goes), S2 = USED (bytes between HEAD and TAIL, including skipped space). A record
// is a header word `(payloadLength << 3) | tag` at a 4-aligned offset followed by the payload,
// padded to 4 bytes. Records never wrap around the end of the buffer (so a payload can be
// decoded in place): a record that does not fit before the end goes to offset 0, and the space
// it skipped counts as used until the reader passes it; a WRAP header (or reaching the end)
// sends the reader back to 0. HEAD and TAIL reset to 0 whenever the queue empties; growing the
// buffer rewrites the records contiguously from 0.
import { align4, type Encoded, writePayload } from './codec.js';
import { type Popped, S0, S1, S2, Storage } from './layout.js';

const HEAD = S0;
const TAIL = S1;
const USED = S2;
const WRAP = -1;

/** The FIFO ring (Queue, SimpleQueue). */
export class RingStorage extends Storage {
  recordSize(item: Encoded): number {
    return 4 + align4(item.len);
  }

  // Where a record of `size` bytes would go now, or -1.
  #slot(size: number): number {
    const ctrl = this.ctrl;
    const used = ctrl[USED]!;
    if (used === 0) return size <= this.capacity ? 0 : -1;
    const head = ctrl[HEAD]!;
    const tail = ctrl[TAIL]!;
    if (tail > head) {
      if (this.capacity - tail >= size) return tail;
      return head >= size ? 0 : -1;
    }
    return head - tail >= size ? tail : -1;
  }

  reserve(size: number): boolean {
    if (this.#slot(size) >= 0) return true;
    return this.grow(this.ctrl[USED]! + size) && this.#slot(size) >= 0;
  }

  // After growing from `oldCap`: rewrite the records contiguously from 0 (drops skipped space).
  protected override relocate(oldCap: number): void {
    const ctrl = this.ctrl;
    const used = ctrl[USED]!;
    if (used === 0) return;
    const parts: Uint8Array[] = [];
    let total = 0;
    let head = ctrl[HEAD]!;
    for (let consumed = 0; consumed < used; ) {
      if (head === oldCap || this.i32[head >> 2] === WRAP) {
        consumed += oldCap - head;
        head = 0;
        continue;
      }
      const size = 4 + align4(this.i32[head >> 2]! >>> 3);
      parts.push(this.u8.slice(head, head + size));
      total += size;
      consumed += size;
      head += size;
    }
    let at = 0;
    for (const part of parts) {
      this.u8.set(part, at);
      at += part.length;
    }
    ctrl[HEAD] = 0;
    ctrl[TAIL] = total;
    ctrl[USED] = total;
  }

  push(item: Encoded, _seq: number): void {
    const ctrl = this.ctrl;
    const size = 4 + align4(item.len);
    const at = this.#slot(size);
    const tail = ctrl[TAIL]!;
    if (ctrl[USED]! > 0 && at === 0 && tail > 0) {
      // Skip the end of the buffer: mark it for the reader and count it as used.
      if (tail < this.capacity) this.i32[tail >> 2] = WRAP;
      ctrl[USED] = ctrl[USED]! + (this.capacity - tail);
    }
    this.i32[at >> 2] = (item.len << 3) | item.tag;
    writePayload(item, this.u8, at + 4);
    ctrl[TAIL] = at + size;
    ctrl[USED] = ctrl[USED]! + size;
  }

  pop(): Popped {
    const ctrl = this.ctrl;
    let head = ctrl[HEAD]!;
    if (head === this.capacity || this.i32[head >> 2] === WRAP) {
      ctrl[USED] = ctrl[USED]! - (this.capacity - head);
      head = 0;
    }
    const header = this.i32[head >> 2]!;
    const len = header >>> 3;
    const size = 4 + align4(len);
    const used = ctrl[USED]! - size;
    ctrl[USED] = used;
    if (used === 0) {
      ctrl[HEAD] = 0;
      ctrl[TAIL] = 0;
    } else {
      ctrl[HEAD] = head + size;
    }
    return { tag: header & 7, at: head + 4, len };
  }

  clear(): void {
    this.ctrl[HEAD] = 0;
    this.ctrl[TAIL] = 0;
    this.ctrl[USED] = 0;
  }
}
