// PriorityQueue: Python's `queue.PriorityQueue`, a Queue over the heap layout (heap.ts).
import { kKind, registerShareable } from '../internal/shareable.js';
import type { QueueKind, QueueState } from './core.js';
import { kStorageKind, Queue, reviveQueue } from './queue.js';

/**
 * A queue that returns the lowest item first (Python's `queue.PriorityQueue`), across threads.
 * Items are numbers, strings, or arrays compared element by element like Python tuples, so
 * `[priority, data]` pairs work; equal items come out in insertion order. (Values that Python
 * could not compare, such as plain objects, count as equal.)
 *
 * @example
 * const pq = new PriorityQueue<[number, string]>();
 * await pq.put([2, 'later']);
 * await pq.put([1, 'first']);
 * (await pq.get())[1]; // 'first'
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  /** @internal */
  static override [kStorageKind]: QueueKind = 'priority';
}
Object.defineProperty(PriorityQueue.prototype, kKind, { value: 'PriorityQueue', configurable: true });
Object.defineProperty(PriorityQueue.prototype, Symbol.toStringTag, { value: 'PriorityQueue', configurable: true });

registerShareable('PriorityQueue', (state) => reviveQueue(PriorityQueue, state as QueueState));
