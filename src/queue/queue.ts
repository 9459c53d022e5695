// Queue: Python's `queue.Queue` (FIFO) over shared memory; LifoQueue and PriorityQueue reuse it
// with another storage layout (see core.ts and layout.ts).
import { ValueError } from '../internal/python-errors.js';
import { kKind, kShare, registerShareable } from '../internal/shareable.js';
import { invalidArgType, outOfRange, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { type SignalOptions, throwIfAborted, trailingSignal } from '../threading/abort.js';
import { driveAsync, driveSync } from '../threading/drive.js';
import { assertMayBlock } from '../threading/wait.js';
import { own } from './codec.js';
import { QueueCore, type QueueKind, type QueueState, type Taken, validateMaxBytes } from './core.js';
import { Full, ShutDown } from './errors.js';
import { type BlockOptions, parseBlockOptions } from './options.js';

/** Options of a queue's constructor. */
export interface QueueOptions {
  /**
   * The most bytes the queue's shared buffer may hold (encoded items plus a few bytes each);
   * default 64 MiB. The buffer starts small and grows on demand up to this bound (only address
   * space is reserved up front). An item larger than this is refused with a RangeError.
   */
  maxBytes?: number;
}

/** @internal The storage kind a queue class uses (inherited by user subclasses). */
export const kStorageKind: unique symbol = Symbol('nogil.queue.storageKind');

// How many items `for await` on a FIFO queue takes per hold of the queue's lock (at most).
const READ_AHEAD = 64;
// How long (ms) `for await` on a FIFO queue that it found empty watches for an item before it
// waits asynchronously. A producer in a worker streaming to the loop puts an item every
// microsecond or so, while an async wait's wake-up (a task posted to this event loop, on a vCPU
// that may have halted) took 100-300 µs here: the loop sat idle for most of each wake-up.
const EMPTY_WATCH_MS = 0.02;

// A `for await` that finds fewer than READ_AHEAD_FILL items on a FIFO queue (but some) lets
// more arrive for up to READ_AHEAD_WAIT_MS before it takes them (plain loads, no lock): every
// hold of the lock moves the queue's shared words between the two cores, and a producer streaming
// an item every few hundred nanoseconds was met by a consumer taking 3-10 items a hold. A/B on
// the stream benchmark, 20 rounds each: 2.10 -> 2.45 M items/s (median). The wait is short
// enough that a slow producer's items are not held back noticeably.
const READ_AHEAD_FILL = 16;
const READ_AHEAD_WAIT_MS = 0.004;

// Whether `count` items (or a shutdown) are queued within `ms`: plain loads, no lock.
function watchCount(core: QueueCore, count: number, ms: number): boolean {
  const until = performance.now() + ms;
  do {
    for (let i = 0; i < 32; i++) if (core.qsize() >= count || core.isShutdown) return true;
  } while (performance.now() < until);
  return false;
}

// (An empty queue is watched for EMPTY_WATCH_MS instead; a bounded queue is waited for only up
// to its maxsize, which a blocked producer cannot pass. A queue full by maxBytes may still cost
// the 4 µs per take while its producer waits for room.)
function fillUp(core: QueueCore): void {
  const maxsize = core.maxsize;
  const fill = maxsize > 0 ? Math.min(READ_AHEAD_FILL, maxsize) : READ_AHEAD_FILL;
  const queued = core.qsize();
  if (queued > 0 && queued < fill) watchCount(core, fill, READ_AHEAD_WAIT_MS);
}
const RESOLVED = Promise.resolve();
let reviving: QueueCore | undefined;

/** @internal Creates or revives the engine of a queue being constructed. */
export function coreFor(kind: QueueKind, maxsize: number, options: QueueOptions | undefined): QueueCore {
  if (reviving) {
    const core = reviving;
    reviving = undefined;
    return core;
  }
  if (typeof maxsize !== 'number') throw invalidArgType('maxsize', 'of type number', maxsize);
  if (!Number.isInteger(maxsize)) throw outOfRange('maxsize', 'an integer', maxsize);
  const opts = validateOptions(options);
  validateKnownKeys(opts, ['maxBytes']);
  // Kept as given (Python's `maxsize` attribute), clamped to the Int32 word that holds it.
  const bounded = Math.min(Math.max(maxsize, -0x80000000), 0x7fffffff);
  return QueueCore.create(kind, bounded, validateMaxBytes(opts.maxBytes));
}

/** @internal Revives a queue of class `Cls` over existing memory. */
export function reviveQueue<Q>(Cls: new () => Q, state: QueueState): Q {
  reviving = QueueCore.revive(state);
  return new Cls();
}

/**
 * A multi-producer, multi-consumer FIFO queue (Python's `queue.Queue`) in shared memory: pass
 * it to `Thread`s as an argument and every thread sees the same queue. Items cross threads by
 * structured clone. `maxsize > 0` bounds the number of items (producers wait for room).
 *
 * @example
 * const q = new Queue<number>(10);
 * await q.put(1);
 * const item = await q.get();
 * q.taskDone();
 * await q.join();
 */
export class Queue<T = unknown> {
  /** @internal The Python class name, for the shareable registry. */
  declare readonly [kKind]: string;
  /** @internal */
  static [kStorageKind]: QueueKind = 'fifo';
  readonly #core: QueueCore;

  /**
   * Creates a queue holding at most `maxsize` items (`<= 0`, the default: no limit but bytes).
   */
  constructor(maxsize = 0, options?: QueueOptions) {
    this.#core = coreFor((new.target as typeof Queue)[kStorageKind], maxsize, options);
  }

  /** Python's `maxsize` (<= 0: no limit on the number of items). */
  get maxsize(): number {
    return this.#core.maxsize;
  }

  /** Python's `unfinished_tasks`: items put and not yet marked done with `taskDone()`. */
  get unfinishedTasks(): number {
    return this.#core.unfinishedTasks();
  }

  /** Whether `shutdown()` has been called (Python's `is_shutdown`). */
  get isShutdown(): boolean {
    return this.#core.isShutdown;
  }

  /** The number of items (approximate, as in Python: it may change right after). */
  qsize(): number {
    return this.#core.qsize();
  }

  /** Whether the queue is empty (approximate). */
  empty(): boolean {
    return this.#core.qsize() === 0;
  }

  /** Whether the queue holds `maxsize` items (approximate; false when unbounded). */
  full(): boolean {
    const maxsize = this.#core.maxsize;
    return maxsize > 0 && this.#core.qsize() >= maxsize;
  }

  /**
   * Puts an item, waiting (without blocking the event loop) for room if the queue is full.
   * Rejects with `Full` (`block: false`, or after `timeout` ms), `ShutDown`, `ValueError`
   * (negative timeout on a bounded queue), or the item's clone/size error (queue unchanged).
   */
  put(item: T, options?: BlockOptions): Promise<void> {
    try {
      const { block, timeout, signal } = parseBlockOptions(options);
      throwIfAborted(signal);
      const core = this.#core;
      const encoded = core.encode(item, `${this[kKind]}.put`);
      this.#checkPutTimeout(block, timeout);
      if (core.tryPut(encoded)) return RESOLVED;
      if (!block) throw new Full();
      return driveAsync(core.put(own(encoded), block, timeout, signal), signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // Python raises ValueError for a negative timeout on a bounded queue before looking at room.
  #checkPutTimeout(block: boolean, timeout: number | undefined): void {
    const core = this.#core;
    if (block && timeout !== undefined && timeout < 0 && core.maxsize > 0) {
      if (core.isShutdown) throw new ShutDown();
      throw new ValueError("'timeout' must be a non-negative number");
    }
  }

  /**
   * `put()` that blocks this worker thread.
   * @throws {RuntimeError} always on the main thread.
   */
  putSync(item: T, options?: BlockOptions): void {
    assertMayBlock(`${this[kKind]}.putSync`, 'queue.put');
    const { block, timeout, signal } = parseBlockOptions(options);
    throwIfAborted(signal);
    const core = this.#core;
    const encoded = core.encode(item, `${this[kKind]}.putSync`);
    this.#checkPutTimeout(block, timeout);
    if (core.tryPut(encoded)) return;
    if (!block) throw new Full();
    driveSync(core.put(own(encoded), block, timeout));
  }

  /** Puts an item only if there is room now. @throws {Full} otherwise (also `ShutDown`). */
  putNowait(item: T): void {
    const core = this.#core;
    if (!core.tryPut(core.encode(item, `${this[kKind]}.putNowait`))) throw new Full();
  }

  /**
   * Removes and returns the next item, waiting (without blocking the event loop) while the
   * queue is empty. Rejects with `Empty` (`block: false`, or after `timeout` ms), `ShutDown`
   * (shut down and drained, or at once after `shutdown(true)`), or `ValueError` (negative timeout).
   */
  get(options?: BlockOptions): Promise<T> {
    try {
      const { block, timeout, signal } = parseBlockOptions(options);
      this.#checkGetTimeout(block, timeout);
      return this.#core.take(block, timeout, signal) as Promise<T>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #checkGetTimeout(block: boolean, timeout: number | undefined): void {
    const core = this.#core;
    if (block && timeout !== undefined && timeout < 0) {
      if (core.isShutdown && core.qsize() === 0) throw new ShutDown();
      throw new ValueError("'timeout' must be a non-negative number");
    }
  }

  /**
   * `get()` that blocks this worker thread.
   * @throws {RuntimeError} always on the main thread.
   */
  getSync(options?: BlockOptions): T {
    assertMayBlock(`${this[kKind]}.getSync`, 'queue.get');
    const { block, timeout, signal } = parseBlockOptions(options);
    this.#checkGetTimeout(block, timeout);
    return this.#core.takeSync(block, timeout, signal) as T;
  }

  /** Removes and returns an item if one is there now. @throws {Empty} otherwise (also `ShutDown`). */
  getNowait(): T {
    return this.#core.takeNowait() as T;
  }

  /**
   * Marks one item taken with `get()` as processed; `join()` resolves when every item put has
   * been marked.
   * @throws {ValueError} if called more times than items were put.
   */
  taskDone(): void {
    this.#core.taskDone();
  }

  /**
   * Waits (without blocking the event loop) until every item put has been marked done.
   * Aborting `signal` stops waiting and rejects with an `AbortError`.
   */
  join(options?: SignalOptions): Promise<void> {
    try {
      const signal = trailingSignal(options);
      throwIfAborted(signal);
      return driveAsync(this.#core.join(signal), signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `join()` that blocks this worker thread.
   * @throws {RuntimeError} always on the main thread.
   */
  joinSync(): void {
    assertMayBlock(`${this[kKind]}.joinSync`, 'queue.join');
    driveSync(this.#core.join());
  }

  /**
   * Shuts the queue down (Python 3.13): `put` fails with `ShutDown` from now on, `get` once the
   * queue is empty; waiting callers are woken and get `ShutDown`. With `immediate`, the queue is
   * emptied at once (those items count as done for `join()`) and `get` fails straight away.
   */
  shutdown(immediate = false): void {
    this.#core.shutdown(Boolean(immediate));
  }

  /**
   * Iterates items until the queue is shut down and drained (the tutorial's ClosableQueue). Each
   * item is marked done (`taskDone()`) once the loop asks for the next one, or leaves the loop
   * (in batches: at the latest when the loop next takes from the queue, or ends).
   *
   * A FIFO queue (`Queue`, `SimpleQueue`) is read ahead: each hold of the queue's lock takes what
   * is there, up to 64 items, so a worker streaming to the main thread pays one lock hold and one
   * wake-up per batch, not per item. Items read ahead have left the queue (`qsize()` and
   * `maxsize` no longer count them, another consumer cannot take them); a loop that ends early
   * puts them back at the front, in order. `LifoQueue` and `PriorityQueue` are never read
   * ahead: an item put meanwhile may have to come first.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    const core = this.#core;
    const batch = core.kind === 'fifo' ? READ_AHEAD : 1;
    // Items the loop is done with whose taskDone() is owed: applied in the next hold of the lock.
    let owed = 0;
    let yielded = false;
    let ahead: Taken[] = [];
    let at = 0;
    const finishYielded = (): void => {
      if (yielded) {
        yielded = false;
        owed++;
      }
    };
    const iterator: AsyncIterableIterator<T> = {
      next: async (): Promise<IteratorResult<T>> => {
        finishYielded();
        try {
          if (at < ahead.length && core.isShutdownImmediate) {
            // shutdown(true) drops every queued item, those read ahead too (they count as done).
            owed += ahead.length - at;
            ahead = [];
            at = 0;
          }
          if (at === ahead.length) {
            const done = owed;
            owed = 0;
            if (batch > 1) fillUp(core);
            ahead = core.doneAndTake(done, batch);
            at = 0;
            if (ahead.length === 0 && batch > 1 && watchCount(core, 1, EMPTY_WATCH_MS))
              ahead = core.doneAndTake(0, batch);
          }
          const value = at < ahead.length ? (core.decode(ahead[at++]!) as T) : await this.get();
          yielded = true;
          return { value, done: false };
        } catch (error) {
          if (error instanceof ShutDown) return { value: undefined, done: true };
          throw error;
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        finishYielded();
        const done = owed;
        const back = ahead.slice(at);
        owed = 0;
        ahead = [];
        at = 0;
        if (done > 0 || back.length > 0) core.requeueFront(done, back);
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /**
   * The blocking twin of `for await` for worker threads: `for (const item of q.iterSync())`.
   * @throws {RuntimeError} on the main thread.
   */
  *iterSync(): Generator<T, void, void> {
    assertMayBlock(`${this[kKind]}.iterSync`, 'queue.get');
    const core = this.#core;
    let pending = false;
    try {
      for (;;) {
        // The previous item's taskDone() and the next take share one hold of the lock.
        const done = pending ? 1 : 0;
        pending = false;
        let item: T;
        try {
          const taken = core.doneAndTryGet(done);
          item = taken ? (core.decode(taken) as T) : this.getSync();
        } catch (error) {
          if (error instanceof ShutDown) return;
          throw error;
        }
        pending = true;
        yield item;
      }
    } finally {
      if (pending) this.taskDone();
    }
  }

  /** @internal The state that crosses threads: the queue's shared buffers. */
  [kShare](): QueueState {
    return this.#core.state;
  }
}
Object.defineProperty(Queue.prototype, kKind, { value: 'Queue', configurable: true });
Object.defineProperty(Queue.prototype, Symbol.toStringTag, { value: 'Queue', configurable: true });

registerShareable('Queue', (state) => reviveQueue(Queue, state as QueueState));
