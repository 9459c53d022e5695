// Thread: Python's `threading.Thread` on a worker_thread.
//
//   parent thread                                 worker (worker-main.ts)
//   new Thread({ target, args })
//   start() --- workerData: name, daemon, -------> adoptThreadInfo(); write TID into nativeCell
//               TaskRef, encodeShared(args)        decodeShared(args); fn = resolveTaskRef()
//                                                  result = await fn(...args)
//           <-- { t: 'done', result } or ---------  (encodeShared(result) / toWire(error))
//               { t: 'error', error }
//   result/error set, excepthook on error, join() resolves, isAlive() false
//   'exit' event: a non-zero exit marks the thread DIED (locks it held are taken over, mutex.ts)
//
// The thread is over when its target settles (as in Python, where the thread ends when run()
// returns): the worker records itself as finished and exits, stopping whatever the target left
// behind (timers, pending promises), so a finished thread never keeps the process alive.

import { watchAbort } from '../internal/abort.js';
import { fromWire, isWire } from '../internal/errors.js';
import { RuntimeError } from '../internal/python-errors.js';
import { encodeShared } from '../internal/shareable.js';
import { decodeSharedAsync } from '../internal/shareable-kinds.js';
import { type TaskRef, toTaskRef } from '../internal/task-ref.js';
import { invalidArgType, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { abortError, type SignalOptions, throwIfAborted, trailingSignal } from './abort.js';
import type { ThreadBoot, ThreadReport } from './boot.js';
import { reportException } from './excepthook.js';
import { getNativeId, threadInfo } from './identity.js';
import { type LongTimeout, setLongTimeout } from './long-timeout.js';
import { waitTimeoutOf } from './options.js';
import { primeWarmPool, startWorker } from './start-worker.js';
import { markThreadDied, nextThreadNumber, ownToken } from './state.js';
import { holdKeepAlive, onMainThread, releaseKeepAlive } from './wait.js';

/**
 * Options of `new Thread(options)` (Python's `Thread(target=, args=, name=, daemon=)`). `A` is
 * the argument list, inferred from `args` only (an arrow target's parameters are typed by its
 * arguments; a target that needs more than `args` gives is a type error), and `R` what the
 * target returns (`thread.result`).
 */
export interface ThreadOptions<A extends unknown[] = unknown[], R = unknown> {
  /**
   * What the thread runs: a self-contained function (sent by source: it cannot use variables of
   * its enclosing scope; pass them in `args`) or `{ module, name }` (a module path/URL and the
   * name of its exported function, default 'default'). Async functions are awaited.
   */
  target?:
    | ((...args: NoInfer<A>) => R | PromiseLike<R>)
    | { readonly module: string | URL; readonly name?: string }
    | undefined;
  /**
   * Arguments for the target: structured-cloned, except nogil primitives (Lock, Queue, Value,
   * ...), which arrive as live handles to the same shared memory. (At run time any iterable
   * is accepted; the type asks for an array so it can check the target's parameters.)
   */
  args?: readonly [...A] | undefined;
  /** The thread's name (default `Thread-N`). */
  name?: string | undefined;
  /**
   * A daemon thread does not keep the process alive (default: the current thread's flag,
   * false on the main thread).
   */
  daemon?: boolean | null | undefined;
}

type Kind = 'spawned' | 'main' | 'self' | 'dummy';
interface Existing {
  readonly kind: Exclude<Kind, 'spawned'>;
  readonly name: string;
  readonly daemon: boolean;
  readonly ident: number;
  readonly nativeId: number;
}
let existing: Existing | undefined;

/** Threads started from this thread that have not finished (for `enumerate`/`activeCount`). */
const live = new Set<Thread>();

/**
 * A thread of control (Python's `threading.Thread`), running its target on a new
 * worker_thread: real parallelism, with its own JS heap. Share state through arguments:
 * nogil's primitives (Lock, Value, Queue, ...) passed in `args` are live handles.
 *
 * @example
 * const counter = new Value('i', 0);
 * const t = new Thread({ target: { module: './work.mjs', name: 'count' }, args: [counter] });
 * t.start();
 * await t.join();
 * console.log(counter.value, t.result);
 */
export class Thread<R = unknown, A extends unknown[] = []> {
  #kind: Kind;
  #name: string;
  #daemon: boolean;
  #target: TaskRef | undefined;
  #args: unknown[] = [];
  #started: boolean;
  #finished = false;
  #reported = false;
  #ident: number | undefined;
  #nativeId: number | undefined;
  #nativeCell: Int32Array | undefined;
  #result: R | undefined;
  #error: unknown;
  #done: Promise<void>;
  #resolveDone!: () => void;

  /**
   * Creates a thread (not started yet).
   * @throws {TypeError} for a target that is neither a function nor `{ module, name }`.
   */
  constructor(options?: ThreadOptions<A, R>) {
    this.#done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    if (existing) {
      const e = existing;
      existing = undefined;
      this.#kind = e.kind;
      this.#name = e.name;
      this.#daemon = e.daemon;
      this.#started = true;
      this.#ident = e.ident;
      this.#nativeId = e.nativeId;
      return;
    }
    const opts = validateOptions(options);
    validateKnownKeys(opts, ['target', 'args', 'name', 'daemon']);
    this.#kind = 'spawned';
    // The first Thread of a process boots the warm pool, so that later threads start fast.
    primeWarmPool();
    this.#started = false;
    this.#target =
      opts.target === undefined || opts.target === null ? undefined : toTaskRef(opts.target, 'options.target');
    if (opts.args !== undefined && opts.args !== null) {
      if (typeof opts.args === 'string' || typeof (opts.args as Iterable<unknown>)[Symbol.iterator] !== 'function') {
        throw invalidArgType('options.args', 'an array', opts.args);
      }
      this.#args = Array.from(opts.args as Iterable<unknown>);
    }
    if (opts.name !== undefined && opts.name !== null) this.#name = String(opts.name);
    else this.#name = `Thread-${nextThreadNumber()}`;
    if (opts.daemon !== undefined && opts.daemon !== null) {
      if (typeof opts.daemon !== 'boolean') throw invalidArgType('options.daemon', 'of type boolean', opts.daemon);
      this.#daemon = opts.daemon;
    } else {
      // Python: the creating thread's flag (a thread nogil did not start counts as a daemon,
      // like Python's _DummyThread).
      this.#daemon = onMainThread ? false : (threadInfo()?.daemon ?? true);
    }
  }

  /** The thread's name (for identification only; several threads may share one). */
  get name(): string {
    return this.#name;
  }

  /** Renames the thread (a thread that has started keeps the name it started with inside it). */
  set name(value: string) {
    this.#name = String(value);
  }

  /** Whether this is a daemon thread (it does not keep the process alive). */
  get daemon(): boolean {
    return this.#daemon;
  }

  /** Sets the daemon flag before `start()`. @throws {RuntimeError} once the thread has started. */
  set daemon(value: boolean) {
    if (this.#started) throw new RuntimeError('cannot set daemon status of active thread');
    if (typeof value !== 'boolean') throw invalidArgType('daemon', 'of type boolean', value);
    this.#daemon = value;
  }

  /** The thread identifier (`getIdent()` inside it), or `undefined` before `start()`. */
  get ident(): number | undefined {
    return this.#ident;
  }

  /**
   * The OS thread id (`getNativeId()` inside it), `undefined` before `start()`. On Linux it is
   * known as soon as `start()` returns, as in Python; elsewhere (or if another thread was created
   * at the same instant) once the worker has booted, a few ms later.
   */
  get nativeId(): number | undefined {
    // What the worker reported about itself wins over the id seen from here at start().
    if (this.#nativeCell) {
      const id = Atomics.load(this.#nativeCell, 0);
      if (id !== 0) {
        this.#nativeId = id;
        this.#nativeCell = undefined;
      }
    }
    return this.#nativeId;
  }

  /** What the target returned (resolved), or `undefined` until it has. */
  get result(): R | undefined {
    return this.#result;
  }

  /** What the target threw (revived with its class), or `undefined` if it has not. */
  get error(): unknown {
    return this.#error;
  }

  /** Whether the thread has started and its target has not finished. */
  isAlive(): boolean {
    return this.#started && !this.#finished;
  }

  /**
   * Starts the thread's target on a new worker thread.
   * @throws {RuntimeError} if called more than once.
   * @throws {DOMException} (DataCloneError) if an argument cannot be cloned (the thread is not started).
   * @throws {TypeError} if a nogil primitive sits inside an Error in `args` (it could not arrive live).
   */
  start(): void {
    if (this.#kind !== 'spawned' || this.#started) throw new RuntimeError('threads can only be started once');
    const nativeCell = new SharedArrayBuffer(4);
    const boot: ThreadBoot = {
      name: this.#name,
      daemon: this.#daemon,
      target: this.#target,
      args: encodeShared(this.#args, 'args'),
      nativeCell,
    };
    const { worker, nativeId } = startWorker(boot);
    this.#started = true;
    this.#nativeId = nativeId;
    this.#nativeCell = new Int32Array(nativeCell);
    this.#ident = worker.threadId + 1;
    this.#args = [];
    live.add(this);
    const id = worker.threadId;
    // Listeners first, unref last: adding a 'message' listener re-refs a worker.
    worker.on('message', (msg: ThreadReport) => this.#onReport(msg));
    worker.on('error', (error: unknown) => this.#onUncaught(error));
    worker.on('exit', (code: number) => {
      // A non-zero exit is a death (terminate(), process.exit(n), an uncaught error): the
      // worker marks itself in the last two cases; terminate() runs no JS there, so mark it here.
      if (code !== 0) markThreadDied(id);
      if (!this.#finished && !this.#reported) {
        if (code !== 0) {
          const error = new RuntimeError(`thread ${this.#name} exited with code ${code} before its target finished`);
          this.#error = error;
          reportException(error, this);
        }
        this.#finish();
      }
    });
    if (this.#daemon) worker.unref();
    else worker.ref(); // a warm worker was idle unref'd
  }

  #onReport(msg: ThreadReport): void {
    if (this.#finished || this.#reported) return;
    this.#reported = true;
    if (msg.t === 'error') {
      const error = isWire(msg.error) ? fromWire(msg.error) : msg.error;
      this.#error = error;
      reportException(error, this);
      this.#finish();
      return;
    }
    // The result may hold primitives of modules this thread has not loaded yet.
    decodeSharedAsync(msg.result).then(
      (result) => {
        this.#result = result as R;
        this.#finish();
      },
      (error: unknown) => {
        this.#error = error;
        reportException(error, this);
        this.#finish();
      },
    );
  }

  // An error that escaped the target's promise chain (a throwing timer, an unhandled rejection):
  // Node ends the worker. Reported like a target error; after the target finished, only reported.
  #onUncaught(error: unknown): void {
    if (!this.#finished && !this.#reported) {
      this.#error = error;
      reportException(error, this);
      this.#finish();
    } else {
      reportException(error, this);
    }
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    live.delete(this);
    this.#resolveDone();
  }

  /**
   * Waits until the thread's target finishes, or until `timeout` ms pass (then check
   * `isAlive()`, as in Python). Never rejects because of the target's error (see `error`).
   * Aborting `signal` stops waiting (the thread runs on) and rejects with an `AbortError`.
   * @throws {RuntimeError} (rejects) before `start()`, or when joining the current thread.
   */
  async join(timeout?: number | null, options?: SignalOptions): Promise<void> {
    if (!this.#started) throw new RuntimeError('cannot join thread before it is started');
    if (this.#isCurrent()) throw new RuntimeError('cannot join current thread');
    const wait = waitTimeoutOf(timeout);
    const signal = trailingSignal(options);
    throwIfAborted(signal);
    if (this.#finished || wait === 0) return;
    holdKeepAlive();
    let timer: LongTimeout | undefined;
    let unwatch: (() => void) | undefined;
    try {
      await Promise.race([
        this.#done,
        new Promise<void>((resolve, reject) => {
          timer = setLongTimeout(resolve, wait);
          if (signal) {
            unwatch = watchAbort(signal, () => reject(abortError(signal)));
          }
        }),
      ]);
    } finally {
      timer?.clear();
      unwatch?.();
      releaseKeepAlive();
    }
  }

  #isCurrent(): boolean {
    return this.#kind === 'self' || this.#kind === 'dummy' || (this.#kind === 'main' && onMainThread);
  }

  /** Python's repr: `<Thread(name, started ident)>`. */
  toString(): string {
    let status = 'initial';
    if (this.#started) status = this.#finished ? 'stopped' : 'started';
    if (this.#daemon) status += ' daemon';
    if (this.#ident !== undefined) status += ` ${this.#ident}`;
    return `<${this.constructor.name}(${this.#name}, ${status})>`;
  }
}
Object.defineProperty(Thread.prototype, Symbol.toStringTag, { value: 'Thread' });

/** @internal A `Thread` object for an already-running thread (main, this worker, a dummy). */
export function existingThread(info: Existing): Thread {
  existing = info;
  return new Thread();
}

/** @internal The threads started from this thread that are still running. */
export function liveThreads(): Thread[] {
  return [...live];
}

/** @internal This thread's own descriptor values for `existingThread`. */
export function selfIdentity(): { ident: number; nativeId: number } {
  return { ident: ownToken, nativeId: getNativeId() };
}
