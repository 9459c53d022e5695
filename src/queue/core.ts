// The engine shared by every queue class: the control block (layout.ts), a storage layout over
// the shared byte buffer, and Python's queue algorithms written once as generators (drive.ts)
// so that `get`/`put`/`join` and their `...Sync` twins share one implementation. Items are
// encoded before the mutex is taken and decoded after it is released; the mutex is held only
// to copy bytes and update counters.
import { growableSharedArrayBuffer } from '../internal/es2024.js';
import { ValueError } from '../internal/python-errors.js';
import { abortError, throwIfAborted } from '../threading/abort.js';
import { driveAsync, driveSync, type Sleep } from '../threading/drive.js';
import { lockInternal, unlockInternal } from '../threading/mutex.js';
import { now } from '../threading/wait.js';
import { decodeAt, type Encoded, encodeItem, needsCopy, own, TAG_CONST, TAG_F64 } from './codec.js';
import { Empty, Full, ShutDown } from './errors.js';
import { createHeapBuffer, HeapStorage } from './heap.js';
import {
  ALL_DONE_SEQ,
  CAPACITY,
  COUNT,
  CTRL_BYTES,
  F_SEQ,
  F_UNFINISHED,
  KIND,
  KIND_FIFO,
  KIND_LIFO,
  KIND_PRIORITY,
  MAXSIZE,
  NOT_EMPTY_SEQ,
  NOT_EMPTY_WAITERS,
  NOT_EMPTY_WOKEN,
  NOT_FULL_SEQ,
  NOT_FULL_WAITERS,
  NOT_FULL_WOKEN,
  type Popped,
  SHUTDOWN,
  type Storage,
} from './layout.js';
import { priorityKey } from './priority-key.js';
import { RingStorage } from './ring-buffer.js';
import { StackStorage } from './stack.js';

// The WOKEN word that goes with a WAITERS word (see #signal).
function wokenOf(waiters: number): number {
  return waiters === NOT_EMPTY_WAITERS ? NOT_EMPTY_WOKEN : NOT_FULL_WOKEN;
}

// The SHUTDOWN word after `shutdown(true)` (1 after a plain shutdown).
const SHUTDOWN_IMMEDIATE = 2;

// An item as it lies in a record, to write it again (payload bytes copied).
function rawRecord(tag: number, u8: Uint8Array, at: number, len: number): Encoded {
  if (tag === TAG_F64) return { tag, len, num: decodeAt(tag, u8, at, len) as number, payload: EMPTY };
  if (tag === TAG_CONST) return { tag, len, num: u8[at]!, payload: EMPTY };
  return { tag, len, num: 0, payload: u8.slice(at, at + len) };
}
const EMPTY = new Uint8Array(0);

/** Default bound on a queue's shared byte buffer: 64 MiB (reserved address space, not memory). */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const INITIAL_BYTES = 64 * 1024;
// Record lengths live in 29 bits of a header word.
const MAX_MAX_BYTES = 2 ** 29;

/** The storage kinds. */
export type QueueKind = 'fifo' | 'lifo' | 'priority';

/** What crosses threads for a queue. */
export interface QueueState {
  readonly ctrl: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
  readonly heap: SharedArrayBuffer | undefined;
}

const KIND_CODES: Record<QueueKind, number> = { fifo: KIND_FIFO, lifo: KIND_LIFO, priority: KIND_PRIORITY };

/**
 * An item taken from the queue: decoded in place under the mutex (small payloads), or copied out
 * (`bytes`) to be decoded after the mutex is released (v8-serialized or large payloads).
 */
export interface Taken {
  readonly tag: number;
  readonly value: unknown;
  readonly bytes: Uint8Array | undefined;
}

/** Validates the byte bound of a queue (an integer number of bytes, 1 KiB .. 512 MiB). */
export function validateMaxBytes(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_BYTES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1024 || value > MAX_MAX_BYTES) {
    throw Object.assign(
      new RangeError(
        `The value of "options.maxBytes" is out of range. It must be an integer >= 1024 and <= ${MAX_MAX_BYTES}. Received ${String(value)}`,
      ),
      { code: 'ERR_OUT_OF_RANGE' },
    );
  }
  return value;
}

/** The queue engine over shared memory. */
export class QueueCore {
  readonly ctrl: Int32Array;
  readonly f64: Float64Array;
  readonly state: QueueState;
  readonly storage: Storage;
  readonly kind: QueueKind;

  private constructor(state: QueueState) {
    this.state = state;
    this.ctrl = new Int32Array(state.ctrl);
    this.f64 = new Float64Array(state.ctrl);
    const code = this.ctrl[KIND]!;
    this.kind = code === KIND_LIFO ? 'lifo' : code === KIND_PRIORITY ? 'priority' : 'fifo';
    if (this.kind === 'priority') this.storage = new HeapStorage(this.ctrl, state.data, state.heap!);
    else if (this.kind === 'lifo') this.storage = new StackStorage(this.ctrl, state.data);
    else this.storage = new RingStorage(this.ctrl, state.data);
  }

  /** A new, empty queue. */
  static create(kind: QueueKind, maxsize: number, maxBytes: number): QueueCore {
    const bytes = maxBytes & ~3;
    const ctrl = new SharedArrayBuffer(CTRL_BYTES);
    const words = new Int32Array(ctrl);
    words[KIND] = KIND_CODES[kind];
    words[MAXSIZE] = maxsize;
    const initial = Math.min(INITIAL_BYTES, bytes);
    words[CAPACITY] = initial;
    const data = growableSharedArrayBuffer(initial, bytes);
    const heap = kind === 'priority' ? createHeapBuffer(bytes) : undefined;
    return new QueueCore({ ctrl, data, heap });
  }

  /** A handle over an existing queue's memory. */
  static revive(state: QueueState): QueueCore {
    return new QueueCore(state);
  }

  /** Python's maxsize (<= 0: unbounded). */
  get maxsize(): number {
    return Atomics.load(this.ctrl, MAXSIZE);
  }

  /** Encodes an item and checks it can ever fit (throws, leaving the queue unchanged). */
  encode(item: unknown, where: string): Encoded {
    const encoded = encodeItem(item, where);
    if (this.kind === 'priority') encoded.key = priorityKey(item);
    const size = this.storage.recordSize(encoded);
    if (size > this.storage.maxCapacity) {
      throw Object.assign(
        new RangeError(
          `${where}: the item needs ${size} bytes but this queue's shared buffer holds at most ` +
            `${this.storage.maxCapacity} (raise the maxBytes option); the queue is unchanged`,
        ),
        { code: 'ERR_OUT_OF_RANGE' },
      );
    }
    return encoded;
  }

  /** The item a get took (decoding a copied-out payload now, outside the mutex). */
  decode(taken: Taken): unknown {
    return taken.bytes ? decodeAt(taken.tag, taken.bytes, 0, taken.bytes.length) : taken.value;
  }

  #lock(): void {
    lockInternal(this.ctrl, 0);
    this.storage.sync();
  }

  #unlock(): void {
    unlockInternal(this.ctrl, 0);
  }

  // Wakes up to `n` sleepers on a sequence word that were not notified yet (mutex held). A
  // notified sleeper stays counted in `waiters` until it has the mutex again, tens of
  // microseconds later; without the WOKEN count every put() in that window would notify it
  // again (a producer streaming to a waiting consumer made an Atomics.notify for a third of its
  // puts). A sleeper that leaves takes one off WOKEN, whether it was notified or timed out: the
  // count can only fall short (one more notify than needed), never run over (a lost wake-up).
  //
  // With no sleeper the sequence word is left alone too: a sleeper reads it and counts itself
  // under the mutex, after this hold, and checks the queue again before it sleeps (one shared
  // cache line less per put and get in a busy stream).
  #signal(seq: number, waiters: number, n: number): void {
    const ctrl = this.ctrl;
    const sleeping = Atomics.load(ctrl, waiters);
    if (sleeping === 0) return;
    Atomics.add(ctrl, seq, 1);
    const woken = wokenOf(waiters);
    const notified = Atomics.load(ctrl, woken);
    const wake = Math.min(n, sleeping - notified);
    if (wake <= 0) return;
    Atomics.store(ctrl, woken, notified + wake);
    Atomics.notify(ctrl, seq, wake);
  }

  #broadcast(seq: number): void {
    Atomics.add(this.ctrl, seq, 1);
    Atomics.notify(this.ctrl, seq);
  }

  // Sleeps on `seq` until it changes or `deadline`; the mutex is held before and after.
  *#sleep(seq: number, waiters: number, deadline: number): Generator<Sleep, void, void> {
    const ctrl = this.ctrl;
    const value = Atomics.load(ctrl, seq);
    if (waiters >= 0) Atomics.add(ctrl, waiters, 1);
    this.#unlock();
    try {
      yield { arr: ctrl, index: seq, value, deadline };
    } finally {
      this.#lock();
      if (waiters >= 0) {
        Atomics.sub(ctrl, waiters, 1);
        const woken = wokenOf(waiters);
        if (Atomics.load(ctrl, woken) > 0) Atomics.sub(ctrl, woken, 1);
      }
    }
  }

  // Whether an item of `size` bytes can go in now (mutex held).
  #hasRoom(size: number): boolean {
    const ctrl = this.ctrl;
    const maxsize = ctrl[MAXSIZE]!;
    if (maxsize > 0 && ctrl[COUNT]! >= maxsize) return false;
    return this.storage.reserve(size);
  }

  // Adds an item (mutex held, room reserved).
  #add(item: Encoded): void {
    const seq = this.f64[F_SEQ]!;
    this.f64[F_SEQ] = seq + 1;
    this.storage.push(item, seq);
    Atomics.add(this.ctrl, COUNT, 1);
    this.f64[F_UNFINISHED] = this.f64[F_UNFINISHED]! + 1;
    this.#signal(NOT_EMPTY_SEQ, NOT_EMPTY_WAITERS, 1);
  }

  // Pops the next record as a Taken (mutex held, queue not empty; COUNT is the caller's).
  #take(): Taken {
    const storage = this.storage;
    const { tag, at, len }: Popped = storage.pop();
    return needsCopy(tag, len)
      ? { tag, value: undefined, bytes: storage.u8.slice(at, at + len) }
      : { tag, value: decodeAt(tag, storage.u8, at, len), bytes: undefined };
  }

  // Removes the next item (mutex held, queue not empty).
  #remove(): Taken {
    const taken = this.#take();
    Atomics.sub(this.ctrl, COUNT, 1);
    this.#signal(NOT_FULL_SEQ, NOT_FULL_WAITERS, Number.POSITIVE_INFINITY);
    return taken;
  }

  /** One attempt to put without waiting: true if added, false if full. Throws ShutDown. */
  tryPut(item: Encoded): boolean {
    this.#lock();
    try {
      if (this.ctrl[SHUTDOWN]) throw new ShutDown();
      if (!this.#hasRoom(this.storage.recordSize(item))) return false;
      this.#add(item);
      return true;
    } finally {
      this.#unlock();
    }
  }

  /**
   * Python's `put(item, block, timeout)` (timeout in ms or undefined). Raises ShutDown, Full,
   * or ValueError for a negative timeout (only where Python checks it: a bounded queue).
   */
  *put(item: Encoded, block: boolean, timeout: number | undefined, signal?: AbortSignal): Generator<Sleep, void, void> {
    const ctrl = this.ctrl;
    const size = this.storage.recordSize(item);
    this.#lock();
    try {
      if (ctrl[SHUTDOWN]) throw new ShutDown();
      if (block && timeout !== undefined && timeout < 0 && ctrl[MAXSIZE]! > 0) {
        throw new ValueError("'timeout' must be a non-negative number");
      }
      const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : now() + Math.max(timeout, 0);
      while (!this.#hasRoom(size)) {
        if (signal?.aborted) throw abortError(signal);
        if (!block || now() >= deadline) throw new Full();
        yield* this.#sleep(NOT_FULL_SEQ, NOT_FULL_WAITERS, deadline);
        if (ctrl[SHUTDOWN]) throw new ShutDown();
      }
      this.#add(item);
    } finally {
      this.#unlock();
    }
  }

  /** One attempt to get without waiting: the item, or undefined if empty. Throws ShutDown. */
  tryGet(): Taken | undefined {
    return this.doneAndTryGet(0);
  }

  /**
   * What a streaming consumer (`for await`) does per item, in one hold of the mutex instead of
   * two: marks `done` items as processed (Python's `task_done()`, `done` times), then takes the
   * next item if there is one. Throws ShutDown when shut down and empty (after applying `done`).
   */
  doneAndTryGet(done: number): Taken | undefined {
    this.#lock();
    try {
      if (done > 0) this.#markDone(done);
      if (this.ctrl[COUNT] === 0) {
        if (this.ctrl[SHUTDOWN]) throw new ShutDown();
        return undefined;
      }
      return this.#remove();
    } finally {
      this.#unlock();
    }
  }

  /**
   * What a `for await` loop does per turn, in one hold of the mutex: marks `done` items as
   * processed (Python's `task_done()`, `done` times), then takes up to `max` items without
   * waiting (one wake-up of the putters for the whole batch). Empty if none; throws ShutDown when
   * shut down and empty (after applying `done`).
   */
  doneAndTake(done: number, max: number): Taken[] {
    this.#lock();
    try {
      const ctrl = this.ctrl;
      if (done > 0) this.#markDone(done);
      const n = Math.min(max, ctrl[COUNT]!);
      if (n === 0) {
        if (ctrl[SHUTDOWN]) throw new ShutDown();
        return [];
      }
      const out: Taken[] = [];
      for (let i = 0; i < n; i++) out.push(this.#take());
      Atomics.sub(ctrl, COUNT, n);
      this.#signal(NOT_FULL_SEQ, NOT_FULL_WAITERS, Number.POSITIVE_INFINITY);
      return out;
    } finally {
      this.#unlock();
    }
  }

  /**
   * Puts items a `for await` loop had read ahead back at the front of a FIFO queue, in order,
   * and marks `done` items processed, in one hold of the mutex. After `shutdown(true)` they are
   * dropped and count as done, as that shutdown's own items do. May take the queue above
   * `maxsize` for a moment (the items were in it before).
   * @throws {RangeError} if they no longer fit in the queue's byte buffer (`maxBytes`).
   */
  requeueFront(done: number, items: readonly Taken[]): void {
    this.#lock();
    try {
      const ctrl = this.ctrl;
      if (done > 0) this.#markDone(done);
      if (items.length === 0) return;
      if (ctrl[SHUTDOWN] === SHUTDOWN_IMMEDIATE) {
        this.#markDone(items.length);
        return;
      }
      const storage = this.storage;
      const ours = items.map((t) =>
        t.bytes ? rawRecord(t.tag, t.bytes, 0, t.bytes.length) : own(encodeItem(t.value, 'Queue')),
      );
      // Front insertion: take out what is queued now, then write ours first and theirs after.
      const theirs: Encoded[] = [];
      for (let n = ctrl[COUNT]!; n > 0; n--) {
        const { tag, at, len } = storage.pop();
        theirs.push(rawRecord(tag, storage.u8, at, len));
      }
      storage.clear();
      let count = 0;
      for (const item of [...ours, ...theirs]) {
        if (!storage.reserve(storage.recordSize(item))) {
          Atomics.store(ctrl, COUNT, count);
          throw Object.assign(
            new RangeError(
              `${ours.length + theirs.length - count} items no longer fit in this queue's shared buffer ` +
                '(raise the maxBytes option); they were dropped',
            ),
            { code: 'ERR_OUT_OF_RANGE' },
          );
        }
        const seq = this.f64[F_SEQ]!;
        this.f64[F_SEQ] = seq + 1;
        storage.push(item, seq);
        count++;
      }
      Atomics.store(ctrl, COUNT, count);
      this.#broadcast(NOT_EMPTY_SEQ);
    } finally {
      this.#unlock();
    }
  }

  /** `getNowait()` of every queue class: the decoded item, or Empty (ShutDown when drained). */
  takeNowait(): unknown {
    const taken = this.tryGet();
    if (!taken) throw new Empty();
    return this.decode(taken);
  }

  /** `get()` of every queue class after its own argument checks: fast path, then wait. */
  take(block: boolean, timeout: number | undefined, signal?: AbortSignal): Promise<unknown> {
    throwIfAborted(signal);
    const taken = this.tryGet();
    if (taken) return Promise.resolve(this.decode(taken));
    if (!block) throw new Empty();
    return driveAsync(this.get(block, timeout, signal), signal).then((t) => this.decode(t));
  }

  /** `getSync()` of every queue class after its own checks: blocks this worker thread. */
  takeSync(block: boolean, timeout: number | undefined, signal?: AbortSignal): unknown {
    throwIfAborted(signal);
    const taken = this.tryGet();
    if (taken) return this.decode(taken);
    if (!block) throw new Empty();
    return this.decode(driveSync(this.get(block, timeout)));
  }

  /** Python's `get(block, timeout)`: raises ShutDown (shut down and empty), Empty, or ValueError. */
  *get(block: boolean, timeout: number | undefined, signal?: AbortSignal): Generator<Sleep, Taken, void> {
    const ctrl = this.ctrl;
    this.#lock();
    try {
      if (ctrl[SHUTDOWN] && ctrl[COUNT] === 0) throw new ShutDown();
      if (!block) {
        if (ctrl[COUNT] === 0) throw new Empty();
      } else {
        if (timeout !== undefined && timeout < 0) throw new ValueError("'timeout' must be a non-negative number");
        const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : now() + timeout;
        while (ctrl[COUNT] === 0) {
          if (signal?.aborted) throw abortError(signal);
          if (now() >= deadline) throw new Empty();
          yield* this.#sleep(NOT_EMPTY_SEQ, NOT_EMPTY_WAITERS, deadline);
          if (ctrl[SHUTDOWN] && ctrl[COUNT] === 0) throw new ShutDown();
        }
      }
      return this.#remove();
    } finally {
      this.#unlock();
    }
  }

  /** Python's `task_done()`. */
  taskDone(): void {
    this.#lock();
    try {
      this.#markDone(1);
    } finally {
      this.#unlock();
    }
  }

  // `task_done()` `n` times (mutex held); ValueError, changing nothing, if that is too many.
  #markDone(n: number): void {
    const unfinished = this.f64[F_UNFINISHED]! - n;
    if (unfinished <= 0) {
      if (unfinished < 0) throw new ValueError('task_done() called too many times');
      this.#broadcast(ALL_DONE_SEQ);
    }
    this.f64[F_UNFINISHED] = unfinished;
  }

  /** Python's `join()`: until every item put has been marked done. */
  *join(signal?: AbortSignal): Generator<Sleep, void, void> {
    this.#lock();
    try {
      while (this.f64[F_UNFINISHED]! > 0) {
        if (signal?.aborted) throw abortError(signal);
        yield* this.#sleep(ALL_DONE_SEQ, -1, Number.POSITIVE_INFINITY);
      }
    } finally {
      this.#unlock();
    }
  }

  /** Python's `shutdown(immediate)`. */
  shutdown(immediate: boolean): void {
    this.#lock();
    try {
      this.ctrl[SHUTDOWN] = immediate ? SHUTDOWN_IMMEDIATE : 1;
      if (immediate) {
        const drained = this.ctrl[COUNT]!;
        this.storage.clear();
        Atomics.store(this.ctrl, COUNT, 0);
        this.f64[F_UNFINISHED] = Math.max(0, this.f64[F_UNFINISHED]! - drained);
        this.#broadcast(ALL_DONE_SEQ);
      }
      this.#broadcast(NOT_EMPTY_SEQ);
      this.#broadcast(NOT_FULL_SEQ);
    } finally {
      this.#unlock();
    }
  }

  /** Whether `shutdown()` was called. */
  get isShutdown(): boolean {
    return Atomics.load(this.ctrl, SHUTDOWN) !== 0;
  }

  /** Whether `shutdown(true)` was called (items were dropped, `get` fails at once). */
  get isShutdownImmediate(): boolean {
    return Atomics.load(this.ctrl, SHUTDOWN) === SHUTDOWN_IMMEDIATE;
  }

  /** The number of items (approximate: read without the mutex, as Python says "not reliable!"). */
  qsize(): number {
    return Atomics.load(this.ctrl, COUNT);
  }

  /** Python's unfinished_tasks. */
  unfinishedTasks(): number {
    this.#lock();
    try {
      return this.f64[F_UNFINISHED]!;
    } finally {
      this.#unlock();
    }
  }
}
