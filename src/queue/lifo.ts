// LifoQueue: Python's `queue.LifoQueue`, a Queue over the stack layout (stack.ts).
import { kKind, registerShareable } from '../internal/shareable.js';
import type { QueueKind, QueueState } from './core.js';
import { kStorageKind, Queue, reviveQueue } from './queue.js';

/**
 * A last-in, first-out queue (Python's `queue.LifoQueue`): same API as `Queue`, most recently
 * put item first, across threads.
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  /** @internal */
  static override [kStorageKind]: QueueKind = 'lifo';
}
Object.defineProperty(LifoQueue.prototype, kKind, { value: 'LifoQueue', configurable: true });
Object.defineProperty(LifoQueue.prototype, Symbol.toStringTag, { value: 'LifoQueue', configurable: true });

registerShareable('LifoQueue', (state) => reviveQueue(LifoQueue, state as QueueState));
