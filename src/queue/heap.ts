// Priority storage: records in an arena of the shared byte buffer, ordered by a binary heap of
// record offsets kept in a second shared buffer.
//
// Words (see layout.ts): S0 = TAIL (end of the arena), S1 = LIVE (bytes of records still
// queued), S2 = HEAP_CAP (entries the heap buffer holds now). The heap has COUNT entries.
// A record: [len][tag | DEAD][keyLen][seqLo][seqHi][key, padded][payload, padded]. pop() marks its
// record DEAD; the arena is compacted (live records slid down in order, heap offsets rewritten)
// when a new record does not fit after TAIL but would fit in the free space, and it is reset when
// the queue empties. Order: key bytes (priority-key.ts), then insertion sequence (FIFO on ties).
import { growableSharedArrayBuffer, growSharedArrayBuffer, maxByteLengthOf } from '../internal/es2024.js';
import { align4, type Encoded, writePayload } from './codec.js';
import { COUNT, type Popped, S0, S1, S2, Storage } from './layout.js';

const TAIL = S0;
const LIVE = S1;
const HEAP_CAP = S2;
const HEADER = 20;
const DEAD = 0x100;

/** A heap buffer sized for a data buffer of at most `maxBytes`. */
export function createHeapBuffer(maxBytes: number): SharedArrayBuffer {
  const maxEntries = Math.floor(maxBytes / HEADER) + 1;
  return growableSharedArrayBuffer(Math.min(1024, maxEntries * 4), maxEntries * 4);
}

/** The heap-ordered arena (PriorityQueue). */
export class HeapStorage extends Storage {
  readonly #heapBuffer: SharedArrayBuffer;
  #heap: Int32Array = new Int32Array(0);
  #heapCap = -1;

  constructor(ctrl: Int32Array, data: SharedArrayBuffer, heap: SharedArrayBuffer) {
    super(ctrl, data);
    this.#heapBuffer = heap;
  }

  override sync(): void {
    super.sync();
    let cap = this.ctrl[HEAP_CAP]!;
    if (cap === 0) {
      cap = this.#heapBuffer.byteLength >> 2;
      this.ctrl[HEAP_CAP] = cap;
    }
    if (cap !== this.#heapCap) {
      this.#heap = new Int32Array(this.#heapBuffer, 0, cap);
      this.#heapCap = cap;
    }
  }

  recordSize(item: Encoded): number {
    return HEADER + align4(item.key?.byteLength ?? 0) + align4(item.len);
  }

  #sizeAt(offset: number): number {
    const i = offset >> 2;
    return HEADER + align4(this.i32[i + 2]!) + align4(this.i32[i]!);
  }

  reserve(size: number): boolean {
    const ctrl = this.ctrl;
    const count = ctrl[COUNT]!;
    if (count + 1 > this.#heapCap) {
      const maxEntries = maxByteLengthOf(this.#heapBuffer) >> 2;
      if (count + 1 > maxEntries) return false;
      const entries = Math.min(maxEntries, Math.max(this.#heapCap * 2, count + 1));
      if (this.#heapBuffer.byteLength < entries * 4) growSharedArrayBuffer(this.#heapBuffer, entries * 4);
      ctrl[HEAP_CAP] = entries;
      this.sync();
    }
    if (ctrl[TAIL]! + size <= this.capacity) return true;
    const live = ctrl[LIVE]!;
    if (live + size > this.capacity && !this.grow(live + size)) return false;
    if (ctrl[TAIL]! + size > this.capacity) this.#compact();
    return true;
  }

  // Slides live records down in arena order and rewrites the heap's offsets.
  #compact(): void {
    const ctrl = this.ctrl;
    const tail = ctrl[TAIL]!;
    const moved = new Map<number, number>();
    let write = 0;
    for (let read = 0; read < tail; ) {
      const size = this.#sizeAt(read);
      if ((this.i32[(read >> 2) + 1]! & DEAD) === 0) {
        if (write !== read) this.u8.copyWithin(write, read, read + size);
        moved.set(read, write);
        write += size;
      }
      read += size;
    }
    ctrl[TAIL] = write;
    const heap = this.#heap;
    const count = ctrl[COUNT]!;
    for (let i = 0; i < count; i++) heap[i] = moved.get(heap[i]!)!;
  }

  push(item: Encoded, seq: number): void {
    const ctrl = this.ctrl;
    const at = ctrl[TAIL]!;
    const key = item.key ?? new Uint8Array(0);
    const len = item.len;
    const i = at >> 2;
    this.i32[i] = len;
    this.i32[i + 1] = item.tag;
    this.i32[i + 2] = key.byteLength;
    this.i32[i + 3] = (seq % 0x100000000) | 0;
    this.i32[i + 4] = Math.floor(seq / 0x100000000) | 0;
    this.u8.set(key, at + HEADER);
    writePayload(item, this.u8, at + HEADER + align4(key.byteLength));
    const size = HEADER + align4(key.byteLength) + align4(len);
    ctrl[TAIL] = at + size;
    ctrl[LIVE] = ctrl[LIVE]! + size;
    // Sift up.
    const heap = this.#heap;
    let n = ctrl[COUNT]!;
    while (n > 0) {
      const parent = (n - 1) >> 1;
      const p = heap[parent]!;
      if (this.#less(p, at)) break;
      heap[n] = p;
      n = parent;
    }
    heap[n] = at;
  }

  pop(): Popped {
    const ctrl = this.ctrl;
    const heap = this.#heap;
    const count = ctrl[COUNT]!;
    const at = heap[0]!;
    const i = at >> 2;
    const len = this.i32[i]!;
    const tag = this.i32[i + 1]! & 0xff;
    const keyLen = this.i32[i + 2]!;
    const start = at + HEADER + align4(keyLen);
    this.i32[i + 1] = tag | DEAD;
    const size = HEADER + align4(keyLen) + align4(len);
    // Sift the last entry down from the root.
    const last = heap[count - 1]!;
    const n = count - 1;
    let pos = 0;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && this.#less(heap[child + 1]!, heap[child]!)) child++;
      if (!this.#less(heap[child]!, last)) break;
      heap[pos] = heap[child]!;
      pos = child;
    }
    if (n > 0) heap[pos] = last;
    if (n === 0) {
      ctrl[TAIL] = 0;
      ctrl[LIVE] = 0;
    } else {
      ctrl[LIVE] = ctrl[LIVE]! - size;
      if (at + size === ctrl[TAIL]) ctrl[TAIL] = at;
    }
    return { tag, at: start, len };
  }

  // Record a sorts before record b: key bytes, then insertion sequence.
  #less(a: number, b: number): boolean {
    const i32 = this.i32;
    const u8 = this.u8;
    const la = i32[(a >> 2) + 2]!;
    const lb = i32[(b >> 2) + 2]!;
    const n = Math.min(la, lb);
    const ka = a + HEADER;
    const kb = b + HEADER;
    for (let k = 0; k < n; k++) {
      const d = u8[ka + k]! - u8[kb + k]!;
      if (d !== 0) return d < 0;
    }
    if (la !== lb) return la < lb;
    const ha = i32[(a >> 2) + 4]! >>> 0;
    const hb = i32[(b >> 2) + 4]! >>> 0;
    if (ha !== hb) return ha < hb;
    return i32[(a >> 2) + 3]! >>> 0 < i32[(b >> 2) + 3]! >>> 0;
  }

  clear(): void {
    this.ctrl[TAIL] = 0;
    this.ctrl[LIVE] = 0;
  }
}
