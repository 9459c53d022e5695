// LIFO storage: a stack of records growing upwards in the shared byte buffer.
//
// Words (see layout.ts): S0 = TOP (end of the last record). A record is the payload padded to
// 4 bytes followed by its header word `(payloadLength << 3) | tag`, so the record on top can be
// found from TOP alone. Growing never moves data.
import { align4, type Encoded, writePayload } from './codec.js';
import { type Popped, S0, Storage } from './layout.js';

const TOP = S0;

/** The LIFO stack (LifoQueue). */
export class StackStorage extends Storage {
  recordSize(item: Encoded): number {
    return 4 + align4(item.len);
  }

  reserve(size: number): boolean {
    const top = this.ctrl[TOP]!;
    if (top + size <= this.capacity) return true;
    return this.grow(top + size);
  }

  push(item: Encoded, _seq: number): void {
    const top = this.ctrl[TOP]!;
    const len = item.len;
    writePayload(item, this.u8, top);
    const headerAt = top + align4(len);
    this.i32[headerAt >> 2] = (len << 3) | item.tag;
    this.ctrl[TOP] = headerAt + 4;
  }

  pop(): Popped {
    const top = this.ctrl[TOP]!;
    const header = this.i32[(top - 4) >> 2]!;
    const len = header >>> 3;
    const start = top - 4 - align4(len);
    this.ctrl[TOP] = start;
    return { tag: header & 7, at: start, len };
  }

  clear(): void {
    this.ctrl[TOP] = 0;
  }
}
