// The control block every queue shares between threads, and the storage interface.
//
// Control block (`ctrl`, a SharedArrayBuffer of CTRL_BYTES), Int32 words:
//   [0..3)             internal mutex (threading/mutex.ts); guards every other word and the data
//   [NOT_EMPTY_SEQ]    bumped when an item is added or the queue shuts down; getters sleep on it
//   [NOT_EMPTY_WAITERS] getters sleeping (or about to) on NOT_EMPTY_SEQ: put() notifies one
//   [NOT_FULL_SEQ]     bumped when an item is removed or the queue shuts down; putters sleep on it
//   [NOT_FULL_WAITERS] putters sleeping on NOT_FULL_SEQ: get() notifies all of them (they may
//                      need different amounts of byte space)
//   [ALL_DONE_SEQ]     bumped when unfinished tasks reach 0 or on immediate shutdown; join() sleeps on it
//   [COUNT]            items in the queue (also read without the mutex, as an approximate qsize())
//   [SHUTDOWN]         0 alive, 1 shut down
//   [MAXSIZE]          Python's maxsize (<= 0: no limit on the item count)
//   [CAPACITY]         bytes of `data` in use by the layout (grows, up to the buffer's maxByteLength)
//   [KIND]             0 FIFO, 1 LIFO, 2 priority
//   [S0..S3]           storage-specific words (see each storage)
//   [NOT_EMPTY_WOKEN]  of the NOT_EMPTY_WAITERS, how many were notified and have not taken the
//                      mutex back yet: put() notifies only the others (see core.ts #signal)
//   [NOT_FULL_WOKEN]   the same for NOT_FULL_WAITERS
// Float64 slots (exact integers up to 2^53, no overflow for long-lived queues):
//   [F_UNFINISHED]     Python's unfinished_tasks
//   [F_SEQ]            insertion counter (priority queues break ties in FIFO order with it)
// Sleeps follow drive.ts: the sequence word is read and the waiter counted under the mutex, so a
// put/get/shutdown that happens after the mutex is released always changes the word first.
import { growSharedArrayBuffer, maxByteLengthOf } from '../internal/es2024.js';
import type { Encoded } from './codec.js';

export const NOT_EMPTY_SEQ = 3;
export const NOT_EMPTY_WAITERS = 4;
export const NOT_FULL_SEQ = 5;
export const NOT_FULL_WAITERS = 6;
export const ALL_DONE_SEQ = 7;
export const COUNT = 8;
export const SHUTDOWN = 9;
export const MAXSIZE = 10;
export const CAPACITY = 11;
export const KIND = 12;
export const S0 = 13;
export const S1 = 14;
export const S2 = 15;
export const S3 = 16;
export const NOT_EMPTY_WOKEN = 17;
export const NOT_FULL_WOKEN = 18;
export const F_UNFINISHED = 12; // Float64 index (byte 96)
export const F_SEQ = 13; // Float64 index (byte 104)
export const CTRL_BYTES = 112;

export const KIND_FIFO = 0;
export const KIND_LIFO = 1;
export const KIND_PRIORITY = 2;

/**
 * Where the record just removed by `pop()` lies in the shared buffer. Its bytes stay intact
 * until the mutex is released (only a push, under the mutex, could overwrite them).
 */
export interface Popped {
  readonly tag: number;
  readonly at: number;
  readonly len: number;
}

/**
 * A byte layout over the shared `data` buffer. Every method runs under the queue's mutex;
 * `sync()` first, so this thread's views cover what another thread may have grown.
 */
export abstract class Storage {
  protected readonly ctrl: Int32Array;
  protected readonly data: SharedArrayBuffer;
  /** The shared bytes, as far as the current capacity. */
  u8: Uint8Array = new Uint8Array(0);
  protected i32: Int32Array = new Int32Array(0);
  #cap = -1;

  constructor(ctrl: Int32Array, data: SharedArrayBuffer) {
    this.ctrl = ctrl;
    this.data = data;
    this.maxCapacity = maxByteLengthOf(data) & ~3;
  }

  /** Re-creates the views if the capacity changed (grown by any thread). */
  sync(): void {
    const cap = this.ctrl[CAPACITY]!;
    if (cap !== this.#cap) {
      this.u8 = new Uint8Array(this.data, 0, cap);
      this.i32 = new Int32Array(this.data, 0, cap >> 2);
      this.#cap = cap;
    }
  }

  /** The current capacity in bytes. */
  protected get capacity(): number {
    return this.#cap;
  }

  /** The largest capacity the buffer can reach. */
  readonly maxCapacity: number;

  /** Grows the buffer so that the capacity is at least `needed` bytes; false if it cannot. */
  protected grow(needed: number): boolean {
    const max = this.maxCapacity;
    if (needed > max) return false;
    let next = Math.max(this.#cap * 2, 1024);
    while (next < needed) next *= 2;
    next = Math.min(next, max);
    if (this.data.byteLength < next) growSharedArrayBuffer(this.data, next);
    this.ctrl[CAPACITY] = next;
    const old = this.#cap;
    this.sync();
    this.relocate(old);
    return true;
  }

  /** Called after a grow from `oldCap` (under the mutex): move data if the layout needs it. */
  protected relocate(_oldCap: number): void {}

  /** Bytes a record for this item occupies. */
  abstract recordSize(item: Encoded): number;
  /** Makes room for a record of `size` bytes if possible (growing/compacting); false if not now. */
  abstract reserve(size: number): boolean;
  /** Writes an item (after a successful `reserve`). */
  abstract push(item: Encoded, seq: number): void;
  /** Removes the next item (the queue is not empty) and says where its payload is. */
  abstract pop(): Popped;
  /** Drops every item. */
  abstract clear(): void;
}
