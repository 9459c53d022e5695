// Value: `multiprocessing.Value` for threads, one typed element in shared memory.
//
// Layout: an 8-byte SharedArrayBuffer viewed through the typed array of the typecode; `value`
// reads and writes it with plain (non-atomic) accesses on purpose: `v.value += 1` is a separate
// read and write, so concurrent increments lose updates exactly as in Python unless the
// caller holds `getLock()` (an RLock, as multiprocessing's default).
import {
  fromDescriptor,
  kKind,
  kShare,
  registerShareable,
  type SharedDescriptor,
  toDescriptor,
} from '../internal/shareable.js';
import { invalidArgType, invalidArgValue, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';

/** The typecodes of Python's `array`/`ctypes` that `Value` supports. */
export type Typecode = 'b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'l' | 'L' | 'q' | 'Q' | 'f' | 'd' | '?' | 'c' | 'u';

/** The JS type `value` holds for a typecode: bigint for 64-bit integers, string for 'c'/'u'. */
export type ValueOf<T extends Typecode> = T extends 'l' | 'L' | 'q' | 'Q'
  ? bigint
  : T extends '?'
    ? boolean
    : T extends 'c' | 'u'
      ? string
      : number;

/** What `value` accepts: its own type, or a number for the 64-bit integer codes. */
export type ValueInput<T extends Typecode> = ValueOf<T> | (T extends 'l' | 'L' | 'q' | 'Q' ? number : never);

type View =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

const VIEWS: Record<Typecode, new (buffer: SharedArrayBuffer) => View> = {
  b: Int8Array,
  B: Uint8Array,
  h: Int16Array,
  H: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  l: BigInt64Array,
  L: BigUint64Array,
  q: BigInt64Array,
  Q: BigUint64Array,
  f: Float32Array,
  d: Float64Array,
  '?': Uint8Array,
  c: Uint8Array,
  u: Uint32Array,
};

/** Options of `new Value(typecode, init, options)`. */
export interface ValueOptions {
  /**
   * The lock `getLock()` returns: `true` (default) for a new `RLock`, an existing `Lock`/`RLock`,
   * or `false` for none (`getLock()` then throws, like multiprocessing's RawValue has none).
   */
  lock?: boolean | Lock | RLock;
}

interface ValueState {
  sab: SharedArrayBuffer;
  typecode: Typecode;
  lock: SharedDescriptor | undefined;
}

let reviving: { sab: SharedArrayBuffer; lock: Lock | RLock | undefined } | undefined;

/**
 * One number in shared memory (Python's `multiprocessing.Value`): `value` is a plain read/write
 * (`+=` is NOT atomic, as in Python), `getLock()` returns the lock that makes updates safe.
 *
 * @example
 * const counter = new Value('i', 0);
 * // in a worker:
 * const lock = counter.getLock();
 * lock.acquireSync();
 * try { counter.value += 1; } finally { lock.release(); }
 */
export class Value<T extends Typecode = Typecode> {
  /** @internal The Python class name, for the shareable registry. */
  declare readonly [kKind]: 'Value';
  readonly #typecode: T;
  readonly #view: View;
  readonly #lock: Lock | RLock | undefined;

  /**
   * Creates a value of `typecode` ('i' int32, 'd' float64, ...) initialised to `init` (default 0).
   * @throws {TypeError} for an unknown typecode or an `init` of the wrong type.
   */
  constructor(typecode: T, init?: ValueInput<T>, options?: ValueOptions) {
    if (typeof typecode !== 'string' || !Object.hasOwn(VIEWS, typecode)) {
      throw invalidArgValue('typecode', typecode, `must be one of ${Object.keys(VIEWS).join(', ')}`);
    }
    this.#typecode = typecode;
    if (reviving) {
      const state = reviving;
      reviving = undefined;
      this.#view = new VIEWS[typecode](state.sab);
      this.#lock = state.lock;
      return;
    }
    const opts = validateOptions(options);
    validateKnownKeys(opts, ['lock']);
    const lock = opts.lock ?? true;
    if (lock === true) this.#lock = new RLock();
    else if (lock === false) this.#lock = undefined;
    else if (lock instanceof Lock || lock instanceof RLock) this.#lock = lock;
    else throw invalidArgType('options.lock', 'a boolean or an instance of Lock or RLock', lock);
    this.#view = new VIEWS[typecode](new SharedArrayBuffer(8));
    if (init !== undefined) this.value = init;
  }

  /** The typecode given at construction. */
  get typecode(): T {
    return this.#typecode;
  }

  /** The current value (a plain, non-atomic read). */
  get value(): ValueOf<T> {
    const raw = this.#view[0]!;
    switch (this.#typecode) {
      case '?':
        return (raw !== 0) as ValueOf<T>;
      case 'c':
      case 'u':
        return String.fromCodePoint(Number(raw)) as ValueOf<T>;
      default:
        return raw as ValueOf<T>;
    }
  }

  /** Sets the value (a plain, non-atomic write; integers wrap like C's). */
  set value(v: ValueInput<T>) {
    const view = this.#view;
    switch (this.#typecode) {
      case 'l':
      case 'L':
      case 'q':
      case 'Q':
        if (typeof v === 'bigint') view[0] = v;
        else if (typeof v === 'number' && Number.isInteger(v)) view[0] = BigInt(v) as never;
        else throw invalidArgType('value', 'of type bigint or an integer', v);
        return;
      case '?':
        view[0] = (v ? 1 : 0) as never;
        return;
      case 'c':
      case 'u': {
        const cp = typeof v === 'string' && [...v].length === 1 ? v.codePointAt(0)! : -1;
        if (cp < 0 || (this.#typecode === 'c' && cp > 255)) {
          throw invalidArgType('value', this.#typecode === 'c' ? 'a one-byte character' : 'a single character', v);
        }
        view[0] = cp as never;
        return;
      }
      case 'f':
      case 'd':
        if (typeof v !== 'number') throw invalidArgType('value', 'of type number', v);
        view[0] = v as never;
        return;
      default:
        if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidArgType('value', 'an integer', v);
        view[0] = v as never;
    }
  }

  /**
   * The lock guarding this value (an `RLock` unless another was given).
   * @throws {TypeError} if the value was created with `lock: false`.
   */
  getLock(): Lock | RLock {
    if (!this.#lock) throw new TypeError("this Value was created with lock: false and has no 'getLock'");
    return this.#lock;
  }

  /** @internal The state that crosses threads. */
  [kShare](): ValueState {
    return {
      sab: this.#view.buffer as SharedArrayBuffer,
      typecode: this.#typecode,
      lock: this.#lock ? toDescriptor(this.#lock) : undefined,
    };
  }
}
Object.defineProperty(Value.prototype, kKind, { value: 'Value' });
Object.defineProperty(Value.prototype, Symbol.toStringTag, { value: 'Value' });

registerShareable('Value', (state) => {
  const { sab, typecode, lock } = state as ValueState;
  reviving = { sab, lock: lock ? (fromDescriptor(lock) as Lock | RLock) : undefined };
  return new Value(typecode);
});
