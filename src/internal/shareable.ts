// Shared-memory primitives as live handles across threads.
//
// A primitive class (Lock, Queue, ...) implements `[kShare]()`, returning its *state*: a value
// that structured clone carries intact (its SharedArrayBuffers, immutable settings, nested
// descriptors), and registers a reviver for its kind with `registerShareable`. Before arguments
// cross to another thread, `encodeShared` walks them (the top level, nested arrays, plain
// objects and class instances (which structured clone flattens anyway), Maps and Sets) and
// replaces each primitive with a descriptor `{ __nogilShared: kind, state }`; the receiving
// thread's `decodeShared` revives a handle over the same memory. The descriptor is a plain
// object with a string tag so that it survives structured clone unchanged.
//
// Executors reuse this: thread pools encode task arguments and results the same way, and a
// process pool calls `refuseShared()` (shared memory cannot reach another process).
import { threadId } from 'node:worker_threads';
import { withCode } from './errors.js';

/** The method a shareable class implements: returns its clonable state. */
export const kShare: unique symbol = Symbol.for('nogil.shareable.share') as never;
/** The property naming a shareable's kind (its Python class name: 'Lock', 'Queue', ...). */
export const kKind: unique symbol = Symbol.for('nogil.shareable.kind') as never;

/** A value that can cross threads as a live handle. */
export interface Shareable {
  readonly [kKind]: string;
  [kShare](): unknown;
}

/** The wire form of a shareable. */
export interface SharedDescriptor {
  readonly __nogilShared: string;
  readonly state: unknown;
  /** Process-wide identity of the primitive: one handle per primitive in each thread. */
  readonly id?: string;
}

const TAG = '__nogilShared';
const revivers = new Map<string, (state: unknown) => object>();

// Identity (Python's `is`): a primitive that reaches a thread several times (twice in one
// argument list, inside a Condition and on its own, sent back to the thread that made it) is
// one object there, as in Python, where threads share objects. Each primitive gets an id the
// first time it is shared (`<threadId>:<n>`: thread ids are never reused in a process); every
// thread keeps its handles by id, weakly.
const idOf = new WeakMap<object, string>();
const handles = new Map<string, WeakRef<object>>();
const forget = new FinalizationRegistry<string>((id) => {
  if (handles.get(id)?.deref() === undefined) handles.delete(id);
});
let lastId = 0;

function remember(handle: object, id: string): void {
  idOf.set(handle, id);
  handles.set(id, new WeakRef(handle));
  forget.register(handle, id);
}

function identify(value: object): string {
  let id = idOf.get(value);
  if (id === undefined) {
    id = `${threadId}:${++lastId}`;
    remember(value, id);
  }
  return id;
}

/** Registers how this thread rebuilds a handle of `kind` from its state. */
export function registerShareable(kind: string, revive: (state: unknown) => object): void {
  revivers.set(kind, revive);
}

/** Whether `value` is a shared-memory primitive (a Lock, a Queue, ...). */
export function isShareable(value: unknown): value is Shareable {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as Partial<Shareable>)[kShare] === 'function' &&
    typeof (value as Partial<Shareable>)[kKind] === 'string'
  );
}

/** The kind of a shared primitive ('Lock', 'Queue', ...), or `undefined` for anything else. */
export function sharedKind(value: unknown): string | undefined {
  return isShareable(value) ? value[kKind] : undefined;
}

/** Whether `value` is a descriptor made by `encodeShared`. */
export function isDescriptor(value: unknown): value is SharedDescriptor {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Record<string, unknown>)[TAG] === 'string' &&
    'state' in (value as object)
  );
}

/** The descriptor of one shareable. */
export function toDescriptor(value: Shareable): SharedDescriptor {
  return { [TAG]: value[kKind], state: value[kShare](), id: identify(value) } as SharedDescriptor;
}

/** A live handle from a descriptor (TypeError for an unknown kind). */
export function fromDescriptor(desc: SharedDescriptor): object {
  const id = typeof desc.id === 'string' ? desc.id : undefined;
  const known = id === undefined ? undefined : handles.get(id)?.deref();
  if (known !== undefined) return known;
  const revive = revivers.get(desc.__nogilShared);
  if (!revive) {
    throw new TypeError(
      `cannot revive a shared ${desc.__nogilShared}: its module is not loaded in this thread ` +
        `(import 'nogil/threading' and 'nogil/queue' there)`,
    );
  }
  const handle = revive(desc.state);
  if (id !== undefined) remember(handle, id);
  return handle;
}

// Containers the walk enters: arrays, Maps, Sets, and objects that structured clone turns into
// plain objects (plain objects and class instances; not Dates, RegExps, typed arrays), and
// errors, only to find primitives there: structured clone keeps an error's message, stack and
// cause only (a primitive in another property would vanish), so `encodeShared` refuses them.
function kindOf(value: object): 'array' | 'map' | 'set' | 'object' | 'error' | undefined {
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  if (value instanceof Set) return 'set';
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Error]') return 'error';
  return tag === '[object Object]' ? 'object' : undefined;
}

// The properties of an error that may hold values (its own ones, `cause` included).
function errorKeys(value: object): string[] {
  return Object.getOwnPropertyNames(value).filter((k) => k !== 'stack' && k !== 'message');
}

/** The first shared primitive inside `value`, with a path to it, or `undefined`. */
export function findShared(value: unknown, path = 'value'): { kind: string; path: string } | undefined {
  const seen = new Set<object>();
  const visit = (v: unknown, p: string): { kind: string; path: string } | undefined => {
    if (v === null || typeof v !== 'object') return isShareable(v) ? { kind: v[kKind], path: p } : undefined;
    if (isShareable(v)) return { kind: v[kKind], path: p };
    if (seen.has(v)) return undefined;
    seen.add(v);
    switch (kindOf(v)) {
      case 'array': {
        const a = v as unknown[];
        for (let i = 0; i < a.length; i++) {
          const hit = visit(a[i], `${p}[${i}]`);
          if (hit) return hit;
        }
        return undefined;
      }
      case 'map':
        for (const [k, x] of v as Map<unknown, unknown>) {
          const hit = visit(k, `${p}.<key>`) ?? visit(x, `${p}.get(${String(k)})`);
          if (hit) return hit;
        }
        return undefined;
      case 'set':
        for (const x of v as Set<unknown>) {
          const hit = visit(x, `${p}.<item>`);
          if (hit) return hit;
        }
        return undefined;
      case 'object':
      case 'error':
        for (const k of kindOf(v) === 'error' ? errorKeys(v) : Object.keys(v)) {
          const hit = visit((v as Record<string, unknown>)[k], `${p}.${k}`);
          if (hit) return hit;
        }
        return undefined;
      default:
        return undefined;
    }
  };
  return visit(value, path);
}

/**
 * Replaces every shared primitive in `value` by its descriptor. Returns `value` itself when it
 * holds none (the common case: no copy); otherwise a copy of the containers on the way.
 * @throws {TypeError} for a primitive inside an Error (structured clone would drop it), naming
 * its path from `path`.
 */
export function encodeShared<T>(value: T, path = 'value'): T {
  if (isShareable(value)) return toDescriptor(value) as T;
  if (value === null || typeof value !== 'object' || findShared(value) === undefined) return value;
  const copies = new Map<object, unknown>();
  const copy = (v: unknown, p: string): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (isShareable(v)) return toDescriptor(v);
    const done = copies.get(v);
    if (done !== undefined) return done;
    switch (kindOf(v)) {
      case 'array': {
        const out: unknown[] = [];
        copies.set(v, out);
        // By index, not forEach: a hole stays a position (undefined), so later arguments keep theirs.
        const a = v as unknown[];
        for (let i = 0; i < a.length; i++) out.push(copy(a[i], `${p}[${i}]`));
        return out;
      }
      case 'map': {
        const out = new Map<unknown, unknown>();
        copies.set(v, out);
        for (const [k, x] of v as Map<unknown, unknown>)
          out.set(copy(k, `${p}.<key>`), copy(x, `${p}.get(${String(k)})`));
        return out;
      }
      case 'set': {
        const out = new Set<unknown>();
        copies.set(v, out);
        for (const x of v as Set<unknown>) out.add(copy(x, `${p}.<item>`));
        return out;
      }
      case 'object': {
        const out: Record<string, unknown> = {};
        copies.set(v, out);
        for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k], `${p}.${k}`);
        return out;
      }
      case 'error': {
        const hit = findShared(v, p);
        if (hit) {
          throw withCode(
            new TypeError(
              `A ${hit.kind} (at ${hit.path}) cannot cross to another thread inside an Error: structured ` +
                "clone keeps only an error's message, stack and cause, so it would not arrive live; " +
                'pass it as an argument of its own',
            ),
            'ERR_INVALID_ARG_TYPE',
          );
        }
        return v;
      }
      default:
        return v;
    }
  };
  return copy(value, path) as T;
}

/**
 * Revives every descriptor in `value` (a freshly received structured clone, which this
 * mutates in place) and returns it.
 */
export function decodeShared<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (isDescriptor(value)) return fromDescriptor(value) as T;
  const seen = new Set<object>();
  const walk = (v: object): void => {
    if (seen.has(v)) return;
    seen.add(v);
    const fix = (x: unknown): unknown => {
      if (x === null || typeof x !== 'object') return x;
      if (isDescriptor(x)) return fromDescriptor(x);
      walk(x);
      return x;
    };
    switch (kindOf(v)) {
      case 'array': {
        const a = v as unknown[];
        for (let i = 0; i < a.length; i++) a[i] = fix(a[i]);
        return;
      }
      case 'map': {
        const m = v as Map<unknown, unknown>;
        const entries = [...m];
        m.clear();
        for (const [k, x] of entries) m.set(fix(k), fix(x));
        return;
      }
      case 'set': {
        const s = v as Set<unknown>;
        const items = [...s];
        s.clear();
        for (const x of items) s.add(fix(x));
        return;
      }
      case 'object': {
        const o = v as Record<string, unknown>;
        for (const k of Object.keys(o)) o[k] = fix(o[k]);
        return;
      }
      default:
        return;
    }
  };
  walk(value);
  return value;
}

/**
 * Throws a `TypeError` naming the first shared primitive in `value`, for destinations that
 * shared memory cannot reach (another process, a queue's byte buffer).
 */
export function refuseShared(value: unknown, where: string, path = 'value'): void {
  const hit = findShared(value, path);
  if (hit) {
    throw withCode(
      new TypeError(
        `A ${hit.kind} (at ${hit.path}) cannot be sent to ${where}: nogil's shared-memory ` +
          'primitives work only between threads of one process, passed as Thread or executor arguments',
      ),
      'ERR_INVALID_ARG_TYPE',
    );
  }
}
