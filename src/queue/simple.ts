// SimpleQueue: Python's `queue.SimpleQueue`, an unbounded FIFO without task tracking.
import { ValueError } from '../internal/python-errors.js';
import { kKind, kShare, registerShareable } from '../internal/shareable.js';
import { throwIfAborted } from '../threading/abort.js';
import { driveAsync, driveSync } from '../threading/drive.js';
import { assertMayBlock } from '../threading/wait.js';
import { own } from './codec.js';
import type { QueueCore, QueueState } from './core.js';
import { Full } from './errors.js';
import { type BlockOptions, parseBlockOptions } from './options.js';
import { coreFor, type QueueOptions, reviveQueue } from './queue.js';

const RESOLVED = Promise.resolve();

// CPython's SimpleQueue.get (the C `_queue` module): a negative timeout is a ValueError only when
// blocking; `block: false` ignores the timeout, as Queue.get does.
function checkGetTimeout(block: boolean, timeout: number | undefined): void {
  if (block && timeout !== undefined && timeout < 0) throw new ValueError("'timeout' must be a non-negative number");
}

/**
 * A simple unbounded FIFO queue (Python's `queue.SimpleQueue`) in shared memory: no `maxsize`,
 * no `taskDone`/`join`. `put` never waits for a count limit; it waits only if the shared buffer
 * reached `maxBytes` (`putNowait` then throws `Full`).
 */
export class SimpleQueue<T = unknown> {
  /** @internal The Python class name, for the shareable registry. */
  declare readonly [kKind]: 'SimpleQueue';
  readonly #core: QueueCore;

  /** Creates an empty queue. */
  constructor(options?: QueueOptions) {
    this.#core = coreFor('fifo', 0, options);
  }

  /** Puts an item (`block`/`timeout` are accepted for compatibility and only apply when the byte buffer is full). */
  put(item: T, options?: BlockOptions): Promise<void> {
    try {
      const { block, timeout, signal } = parseBlockOptions(options);
      throwIfAborted(signal);
      const core = this.#core;
      const encoded = core.encode(item, 'SimpleQueue.put');
      if (core.tryPut(encoded)) return RESOLVED;
      if (!block) throw new Full();
      return driveAsync(
        core.put(own(encoded), block, timeout === undefined ? undefined : Math.max(timeout, 0), signal),
        signal,
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `put()` that blocks this worker thread (throws on the main thread). */
  putSync(item: T, options?: BlockOptions): void {
    assertMayBlock('SimpleQueue.putSync', 'queue.put');
    const { block, timeout, signal } = parseBlockOptions(options);
    throwIfAborted(signal);
    const core = this.#core;
    const encoded = core.encode(item, 'SimpleQueue.putSync');
    if (core.tryPut(encoded)) return;
    if (!block) throw new Full();
    driveSync(core.put(own(encoded), block, timeout === undefined ? undefined : Math.max(timeout, 0)));
  }

  /** Puts an item now. */
  putNowait(item: T): void {
    const core = this.#core;
    if (!core.tryPut(core.encode(item, 'SimpleQueue.putNowait'))) throw new Full();
  }

  /**
   * Removes and returns the next item, waiting while the queue is empty. Rejects with `Empty`
   * (`block: false`, or after `timeout` ms) or `ValueError` (negative timeout).
   */
  get(options?: BlockOptions): Promise<T> {
    try {
      const { block, timeout, signal } = parseBlockOptions(options);
      checkGetTimeout(block, timeout);
      return this.#core.take(block, timeout, signal) as Promise<T>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `get()` that blocks this worker thread (throws on the main thread). */
  getSync(options?: BlockOptions): T {
    assertMayBlock('SimpleQueue.getSync', 'queue.get');
    const { block, timeout, signal } = parseBlockOptions(options);
    checkGetTimeout(block, timeout);
    return this.#core.takeSync(block, timeout, signal) as T;
  }

  /** Removes and returns an item if one is there now. @throws {Empty} otherwise. */
  getNowait(): T {
    return this.#core.takeNowait() as T;
  }

  /** Whether the queue is empty (approximate). */
  empty(): boolean {
    return this.#core.qsize() === 0;
  }

  /** The number of items (approximate). */
  qsize(): number {
    return this.#core.qsize();
  }

  /** @internal The state that crosses threads. */
  [kShare](): QueueState {
    return this.#core.state;
  }
}
Object.defineProperty(SimpleQueue.prototype, kKind, { value: 'SimpleQueue' });
Object.defineProperty(SimpleQueue.prototype, Symbol.toStringTag, { value: 'SimpleQueue' });

registerShareable('SimpleQueue', (state) => reviveQueue(SimpleQueue, state as QueueState));
