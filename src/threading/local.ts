// local(): Python's `threading.local`, a namespace whose attributes belong to one thread.
//
// JS objects never cross threads (they are cloned), so per-thread storage is natural; what
// local() adds is identity: passing a local object to a Thread gives the worker *its own*,
// initially empty, namespace for that same local (the same object each time it arrives there),
// and returning it to its home thread gives back the original.
import { randomUUID } from 'node:crypto';
import { kKind, kShare, registerShareable } from '../internal/shareable.js';

const ids = new WeakMap<object, string>();
const byId = new Map<string, WeakRef<object>>();
const cleanup = new FinalizationRegistry<string>((id) => {
  if (byId.get(id)?.deref() === undefined) byId.delete(id);
});

// The prototype of local objects: invisible to Object.keys/JSON/spread; marks them shareable.
const LocalPrototype = Object.create(Object.prototype, {
  [kKind]: { value: 'local' },
  [kShare]: {
    value(this: object): string {
      return ids.get(this)!;
    },
  },
  [Symbol.toStringTag]: { value: 'local' },
});

function make(id: string): object {
  const obj = Object.create(LocalPrototype) as object;
  ids.set(obj, id);
  byId.set(id, new WeakRef(obj));
  cleanup.register(obj, id);
  return obj;
}

/**
 * Creates thread-local data (Python's `threading.local()`): set any properties on it; each
 * thread that receives it (as a `Thread` argument) sees its own, initially empty, set.
 *
 * @example
 * const data = local<{ x?: number }>();
 * data.x = 1; // only on this thread
 */
export function local<T extends object = Record<string, unknown>>(): T {
  return make(randomUUID()) as T;
}

registerShareable('local', (state) => {
  const id = state as string;
  return byId.get(id)?.deref() ?? make(id);
});
