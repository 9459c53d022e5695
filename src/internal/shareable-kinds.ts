// Where each shareable kind's class lives, so a receiving thread can load only the modules the
// arguments it got need (a worker's start-up time is dominated by module loading).
import { decodeShared, isDescriptor } from './shareable.js';

const MODULES: Record<string, string> = {
  Lock: '../threading/lock.js',
  RLock: '../threading/rlock.js',
  Condition: '../threading/condition.js',
  Semaphore: '../threading/semaphore.js',
  BoundedSemaphore: '../threading/semaphore.js',
  Event: '../threading/event.js',
  Barrier: '../threading/barrier.js',
  Value: '../threading/value.js',
  local: '../threading/local.js',
  Queue: '../queue/queue.js',
  LifoQueue: '../queue/lifo.js',
  PriorityQueue: '../queue/priority.js',
  SimpleQueue: '../queue/simple.js',
};

// The kinds of every descriptor in a received value, including descriptors nested in states.
function kindsIn(value: unknown, into: Set<string>, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isDescriptor(value)) into.add(value.__nogilShared);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      kindsIn(k, into, seen);
      kindsIn(v, into, seen);
    }
  } else if (value instanceof Set || Array.isArray(value)) {
    for (const v of value) kindsIn(v, into, seen);
  } else if (Object.prototype.toString.call(value) === '[object Object]') {
    for (const k of Object.keys(value)) kindsIn((value as Record<string, unknown>)[k], into, seen);
  }
}

/** `decodeShared`, after loading the modules of the kinds present. */
export async function decodeSharedAsync<T>(value: T): Promise<T> {
  const kinds = new Set<string>();
  kindsIn(value, kinds, new Set());
  const specifiers = new Set<string>();
  for (const kind of kinds) {
    const specifier = MODULES[kind];
    if (specifier) specifiers.add(specifier);
  }
  await Promise.all([...specifiers].map((s) => import(s)));
  return decodeShared(value);
}
