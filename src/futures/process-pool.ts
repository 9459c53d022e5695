// ProcessPoolExecutor: Python's concurrent.futures.ProcessPoolExecutor on forked Node children
// (child_process.fork, v8 "advanced" serialization). Scheduling only; futures, map, shutdown and
// abort plumbing live in executor.ts, one child in child-handle.ts, the child in process-child.ts.
//
//   submit ──> queue (PENDING: cancel() works) ──hand over──> child.inflight (RUNNING) ──> result
//                  ^                                                │
//                  └────── a dead child's tasks that never started ─┘ (the first one, running
//                                                                       when it died, fails)
//
// CPython's process-pool rule for `running()`: a task is RUNNING once it is handed to a child
// (another process cannot flip a shared flag for us). So only a few tasks are handed over ahead:
// a child holds one task, plus more only while the tasks it holds add up to at most
// AHEAD_BUDGET_MS of work at their function's measured pace, and never more than MAX_AHEAD. Slow
// or not yet measured tasks go one at a time (long tasks are balanced across children as they
// free up); tiny ones go several to a message, so their IPC round trips overlap. Everything
// beyond that stays PENDING in the parent, where cancel() works.
import { availableParallelism } from 'node:os';
import { refuseShared } from '../internal/shareable.js';
import type { TaskRef } from '../internal/task-ref.js';
import { toTaskRef } from '../internal/task-ref.js';
import { invalidArgType, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { type ChildEvents, ChildHandle, type Handed } from './child-handle.js';
import { BrokenProcessPool } from './errors.js';
import { Executor, type WorkItem } from './executor.js';
import { maxWorkersOf, positiveInteger } from './options.js';
import type { WireTask } from './process-protocol.js';
import type { ModuleTask, TaskFunction } from './types.js';

/**
 * At most this many tasks are handed to one child ahead of their start (the 2 ms budget is the
 * real bound; this caps it for tasks of a few µs, whose refills would otherwise wake the child
 * once per handful of tasks: with 8, tiny tasks ran at 0.84x a raw fork pool on 2 cores).
 */
export const MAX_AHEAD = 64;
/** How much estimated work (ms) a child may hold (it always gets one task when idle). */
const AHEAD_BUDGET_MS = 2;
/** How long a child closed by shutdown may take to exit before it is killed. */
const EXIT_GRACE_MS = 5000;

/** Options of `new ProcessPoolExecutor(...)` (Python's constructor arguments). */
export interface ProcessPoolExecutorOptions {
  /** How many child processes at most. @default os.availableParallelism() */
  maxWorkers?: number | undefined;
  /**
   * Runs once in each child before its first task (a self-contained function or
   * `{ module, name }`, like a task). If it throws, the pool is broken: every pending future
   * fails with `BrokenProcessPool`, and later `submit` throws it.
   */
  initializer?: TaskFunction | ModuleTask | undefined;
  /** The initializer's arguments (sent by v8 serialization, like task arguments). */
  initargs?: readonly unknown[] | undefined;
  /** A child exits and is replaced after this many tasks (a map chunk counts once). @default unlimited */
  maxTasksPerChild?: number | undefined;
}

/** A prepared task: its reference, and a small id children cache it under. */
interface PreparedTask {
  readonly ref: TaskRef;
  readonly refId: number;
}

type Item = WorkItem<PreparedTask>;
type Child = ChildHandle<Item>;

const WHERE = 'a ProcessPoolExecutor task (another process)';

/** `maxTasksPerChild`: as Python, a ValueError below 1; Node's errors for a non-integer. */
function maxTasksPerChildOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  return positiveInteger(value, 'options.maxTasksPerChild', 'maxTasksPerChild');
}

/** Tasks of one function (map chunks apart) are assumed to take alike. */
function paceKey(item: Item): number {
  return item.task.refId * 2 + (item.chunk ? 1 : 0);
}

function cloneError(message: string, cause: unknown): Error {
  const error = new Error(message, { cause });
  error.name = 'DataCloneError';
  return error;
}

/**
 * Python's `concurrent.futures.ProcessPoolExecutor`: runs tasks in child Node processes, so
 * CPU-bound JavaScript runs in parallel and a task that crashes its process fails only its own
 * future. Tasks are self-contained functions (sent by source) or `{ module, name }`; arguments
 * and results cross by v8 serialization (Map, Date, BigInt, typed arrays survive; functions and
 * nogil's shared-memory primitives do not).
 *
 * @example
 * const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
 * const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
 * console.log(await executor.submit(gcd, 12, 18)); // 6
 * await executor.shutdown();
 */
export class ProcessPoolExecutor extends Executor<TaskFunction | ModuleTask, PreparedTask> {
  readonly #maxWorkers: number;
  readonly #maxTasksPerChild: number | undefined;
  readonly #init: { initializer: TaskRef | undefined; initargs: readonly unknown[] };
  readonly #children = new Set<Child>();
  readonly #where = new WeakMap<Item, Child>();
  // Task references by a small id (one per function source or module export, so that inline
  // arrows re-created per call share one id, one cached copy in each child, one measured pace).
  readonly #refIdOf = new WeakMap<TaskRef, number>();
  readonly #refIds = new Map<string, number>();
  // The tasks not handed to a child yet, oldest first; `#head` skips the ones taken.
  #queue: Item[] = [];
  #head = 0;
  #nextId = 0;
  // Measured ms per kind of task (see paceKey): an average of the children's timings.
  readonly #pace = new Map<number, number>();
  #pumpQueued = false;
  #broken = false;
  #closed = false;

  readonly #events: ChildEvents<Item> = {
    ready: () => this.#pump(),
    initFailed: (_child, error) => this.#break(`a child process's initializer failed: ${error.message}`, error),
    result: (child, handed, ok, value, ms) => this.#onResult(child, handed, ok, value, ms),
    closed: (child, code, signal, error) => this.#onClosed(child, code, signal, error),
  };

  constructor(options?: ProcessPoolExecutorOptions) {
    super();
    const opts = validateOptions(options);
    validateKnownKeys(opts, ['maxWorkers', 'initializer', 'initargs', 'maxTasksPerChild']);
    this.#maxWorkers = maxWorkersOf(opts.maxWorkers, availableParallelism());
    this.#maxTasksPerChild = maxTasksPerChildOf(opts.maxTasksPerChild);
    const initializer =
      opts.initializer === undefined || opts.initializer === null
        ? undefined
        : toTaskRef(opts.initializer, 'options.initializer');
    const initargs = opts.initargs ?? [];
    if (!Array.isArray(initargs)) throw invalidArgType('options.initargs', 'an array', initargs);
    refuseShared(initargs, 'a ProcessPoolExecutor initializer (another process)', 'initargs');
    this.#init = { initializer, initargs };
  }

  /**
   * Stops every child now with SIGTERM (Python 3.14's `terminate_workers()`): running futures fail
   * with `BrokenProcessPool`, pending ones are cancelled, and the executor is shut down. Resolves
   * once every child has exited.
   */
  terminateWorkers(): Promise<void> {
    return this.#stopNow('SIGTERM', 'terminateWorkers()');
  }

  /** Like {@link terminateWorkers}, with SIGKILL (Python 3.14's `kill_workers()`). */
  killWorkers(): Promise<void> {
    return this.#stopNow('SIGKILL', 'killWorkers()');
  }

  // ---- the backend protocol (see executor.ts) ----

  protected override _prepare(fn: unknown): PreparedTask {
    const ref = toTaskRef(fn, 'fn');
    let refId = this.#refIdOf.get(ref);
    if (refId === undefined) {
      const key = ref.kind === 'module' ? `m:${ref.url}#${ref.name}` : `s:${ref.wrap}:${ref.source}`;
      refId = this.#refIds.get(key);
      if (refId === undefined) {
        refId = this.#refIds.size;
        this.#refIds.set(key, refId);
      }
      this.#refIdOf.set(ref, refId);
    }
    return { ref, refId };
  }

  protected override _prepareArgs(_task: PreparedTask, args: readonly unknown[], chunk: boolean): readonly unknown[] {
    refuseShared(args, WHERE, chunk ? 'items' : 'args');
    return args;
  }

  protected override _dispatch(items: readonly Item[]): void {
    if (this.#broken) return; // _breakPool failed them already
    for (const item of items) this.#queue.push(item);
    this.#pump();
  }

  protected override _abort(item: Item, error: Error): void {
    const child = this.#where.get(item);
    if (child) {
      // A task with a signal is handed to an idle child alone (see #take), so killing the child
      // stops exactly this task.
      child.state = 'stopping';
      child.kill('SIGKILL');
    } else {
      // Handed to a child that died before it started: back in the queue, RUNNING.
      const at = this.#queue.indexOf(item, this.#head);
      if (at >= 0) this.#queue.splice(at, 1);
    }
    this._settle(item, false, error);
  }

  protected override async _close(): Promise<void> {
    this.#closed = true;
    const children = [...this.#children];
    for (const child of children) {
      if (child.state !== 'dead') {
        child.state = 'stopping';
        child.setRef(true);
        child.disconnect();
      }
    }
    const grace = setTimeout(() => {
      for (const child of children) child.kill('SIGKILL');
    }, EXIT_GRACE_MS);
    grace.unref();
    await Promise.all(children.map((child) => child.closed));
    clearTimeout(grace);
    // Node closes an exited child's process handle in the close phase of the loop turn that saw
    // the exit (after this turn's immediates): wait one more turn, so that nothing of the pool is
    // left once shutdown resolves.
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  }

  protected override _workers(): { workers: number; idle: number } {
    let idle = 0;
    for (const child of this.#children) if (child.state === 'ready' && child.inflight.length === 0) idle++;
    return { workers: this.#children.size, idle };
  }

  // ---- scheduling ----

  /** What a task is expected to take (ms), from its function's measured pace; unknown: Infinity. */
  #estimate(item: Item): number {
    return this.#pace.get(paceKey(item)) ?? Number.POSITIVE_INFINITY;
  }

  /** The estimated work (ms) a child holds. */
  #heldMs(child: Child): number {
    let ms = 0;
    for (const { item } of child.inflight) ms += this.#estimate(item);
    return ms;
  }

  #queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Hands queued tasks to children that can take them, then starts children if tasks are left. */
  #pump(): void {
    if (this.#broken) return;
    for (;;) {
      this.#dropDone();
      if (this.#queued() === 0) break;
      const child = this.#pick();
      // Every pass hands over at least the head task; the check only guards against a loop.
      if (!child || this.#take(child) === 0) break;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#spawn();
    this.#updateRefs();
  }

  /** Drops the cancelled tasks at the head of the queue (notifying them, as CPython does). */
  #dropDone(): void {
    while (this.#queued() > 0) {
      const item = this.#queue[this.#head] as Item;
      if (!item.future.done()) return;
      this.#queue[this.#head++] = undefined as unknown as Item;
      if (item.future.cancelled()) item.future.setRunningOrNotifyCancel();
    }
  }

  #schedulePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /** The least loaded child that can take the task at the head of the queue. */
  #pick(): Child | undefined {
    const head = this.#queue[this.#head] as Item;
    let best: Child | undefined;
    for (const child of this.#children) {
      if (!this.#canTake(child, head)) continue;
      if (!best || child.inflight.length < best.inflight.length) best = child;
    }
    return best;
  }

  /**
   * Whether `child` should get `head` now: when idle; when busy, only if it is at most half full
   * (by count and by estimated work, so that refills come in batches rather than one message per
   * task) and `head` still fits in its budget. A task with a signal needs an idle child.
   */
  #canTake(child: Child, head: Item): boolean {
    if (!child.usable) return false;
    if (this.#maxTasksPerChild !== undefined && child.handed >= this.#maxTasksPerChild) return false;
    const held = child.inflight;
    if (held.length === 0) return true;
    if (head.signal !== undefined || held[0]?.item.signal !== undefined) return false;
    if (held.length > MAX_AHEAD / 2) return false;
    const heldMs = this.#heldMs(child);
    return heldMs <= AHEAD_BUDGET_MS / 2 && heldMs + this.#estimate(head) <= AHEAD_BUDGET_MS;
  }

  /**
   * Hands the next tasks to `child` in one message: at least one, then as long as the child holds
   * at most MAX_AHEAD tasks and AHEAD_BUDGET_MS of estimated work (and its maxTasksPerChild).
   */
  #take(child: Child): number {
    const batch: WireTask[] = [];
    const handed: Item[] = [];
    let count = child.inflight.length;
    let heldMs = this.#heldMs(child);
    const limit =
      this.#maxTasksPerChild === undefined ? Number.POSITIVE_INFINITY : this.#maxTasksPerChild - child.handed;
    while (batch.length < limit && this.#queued() > 0) {
      const item = this.#queue[this.#head] as Item;
      // A task with a signal goes alone, so aborting it kills a child that runs nothing else.
      if (item.signal !== undefined && count > 0) break;
      const estimate = this.#estimate(item);
      if (count > 0 && (count >= MAX_AHEAD || heldMs + estimate > AHEAD_BUDGET_MS)) break;
      this.#queue[this.#head++] = undefined as unknown as Item;
      if (item.future.done()) {
        if (item.future.cancelled()) item.future.setRunningOrNotifyCancel();
        continue;
      }
      // Requeued tasks (their child died before starting them) are RUNNING already.
      if (!item.future.running() && !item.future.setRunningOrNotifyCancel()) continue;
      const id = ++this.#nextId;
      child.inflight.push({ id, item });
      child.handed++;
      count++;
      heldMs += estimate;
      this.#where.set(item, child);
      const { ref, refId } = item.task;
      batch.push([id, refId, child.knows(refId) ? undefined : ref, item.args, item.chunk]);
      handed.push(item);
      if (item.signal !== undefined) break;
    }
    if (batch.length === 0) return 0;
    try {
      child.run(batch);
    } catch {
      this.#sendOneByOne(child, batch, handed);
    }
    return batch.length;
  }

  /** Something in a batch could not be serialized: send each task alone, failing the bad ones. */
  #sendOneByOne(child: Child, batch: WireTask[], handed: Item[]): void {
    for (let i = 0; i < batch.length; i++) {
      const task = batch[i] as WireTask;
      const item = handed[i] as Item;
      if (!child.knows(task[1])) task[2] = item.task.ref;
      try {
        child.run([task]);
      } catch (error) {
        const at = child.inflight.findIndex((h) => h.id === task[0]);
        if (at >= 0) child.inflight.splice(at, 1);
        this.#where.delete(item);
        this._settle(
          item,
          false,
          cloneError(
            `the arguments of task ${item.task.ref.name} could not be sent to the child process: ${(error as Error)?.message}`,
            error,
          ),
        );
      }
    }
  }

  /** Starts children while tasks wait and the pool is below maxWorkers. */
  #spawn(): void {
    if (this.#broken || this.#closed) return;
    let starting = 0;
    let active = 0;
    for (const child of this.#children) {
      if (child.state === 'starting') starting++;
      if (child.state === 'starting' || child.state === 'ready') active++;
    }
    let wanted = Math.min(this.#queued() - starting, this.#maxWorkers - active);
    while (wanted-- > 0) {
      let child: Child;
      try {
        child = new ChildHandle(this.#events, this.#init);
      } catch (error) {
        this.#break(`a child process could not be started: ${(error as Error)?.message}`, error);
        return;
      }
      this.#children.add(child);
    }
  }

  /** Children keep the event loop alive only while they have (or are about to get) work. */
  #updateRefs(): void {
    const waiting = this.#queued() > 0;
    for (const child of this.#children) {
      const busy = child.inflight.length > 0 || child.state === 'stopping' || (child.state === 'starting' && waiting);
      child.setRef(busy);
    }
  }

  // ---- what children report ----

  #onResult(child: Child, handed: Handed<Item>, ok: boolean, value: unknown, ms: number): void {
    const key = paceKey(handed.item);
    const pace = this.#pace.get(key);
    // Up at once on a slow call, down gradually: a slow call costs more when misjudged.
    this.#pace.set(key, pace === undefined || ms > pace ? ms : pace + (ms - pace) / 4);
    this.#where.delete(handed.item);
    this._settle(handed.item, ok, value);
    if (
      this.#maxTasksPerChild !== undefined &&
      child.handed >= this.#maxTasksPerChild &&
      child.inflight.length === 0 &&
      child.state === 'ready'
    ) {
      child.state = 'retiring';
      child.disconnect();
    }
    if (child.inflight.length === 0) child.setRef(false);
    this.#schedulePump();
  }

  #onClosed(child: Child, code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void {
    this.#children.delete(child);
    const left = child.inflight.splice(0);
    for (const { item } of left) this.#where.delete(item);
    const wasStarting = child.state === 'starting';
    const how = signal !== null ? `was killed by signal ${signal}` : `exited with code ${code}`;
    const fatal = child.fatal ? ` after an uncaught ${child.fatal.name}: ${child.fatal.message}` : '';
    const cause = child.fatal ?? spawnError;
    // A child that ends unasked: the task it was running fails, the ones after it never started
    // and go back to the front of the queue (the child sent every result before its next start).
    // (Requeued first: settling runs user callbacks, which may stop the pool.)
    const [running, ...notStarted] = left;
    const requeue = notStarted.map((h) => h.item).filter((item) => !item.future.done());
    if (requeue.length > 0) this.#queue.splice(this.#head, 0, ...requeue);
    if (running) {
      this._settle(
        running.item,
        false,
        new BrokenProcessPool(
          `a child process (pid ${child.pid}) ${how}${fatal} while running this task; ` +
            'the other tasks of the pool go on',
          { cause },
        ),
      );
    }
    if (wasStarting && !this.#broken && !this.#closed) {
      // Died before it could take work (node could not start, or the initializer exited):
      // starting another would only die the same way.
      this.#break(`a child process (pid ${child.pid ?? 'none'}) ${how}${fatal} before it was ready`, cause);
      return;
    }
    this.#pump();
  }

  /** Python's broken pool: every live future fails, later submits throw, children are killed. */
  #break(message: string, cause: unknown): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#queue = [];
    this.#head = 0;
    for (const child of this.#children) {
      child.state = child.state === 'dead' ? 'dead' : 'stopping';
      child.inflight.length = 0;
      child.kill('SIGKILL');
    }
    this._breakPool(new BrokenProcessPool(message, { cause }));
  }

  async #stopNow(signal: NodeJS.Signals, by: string): Promise<void> {
    this._shutdownNow();
    this.#closed = true;
    // Requeued tasks are RUNNING (cancel() refuses them): they fail like the running ones.
    const error = (pid: number | undefined): BrokenProcessPool =>
      new BrokenProcessPool(`the child process${pid ? ` (pid ${pid})` : ''} running this task was stopped by ${by}`);
    for (let i = this.#head; i < this.#queue.length; i++) {
      const item = this.#queue[i] as Item;
      if (item.future.cancelled()) item.future.setRunningOrNotifyCancel();
      else this._settle(item, false, error(undefined));
    }
    this.#queue = [];
    this.#head = 0;
    for (const child of this.#children) {
      if (child.state === 'dead') continue;
      const held = child.inflight.splice(0);
      child.state = 'stopping';
      child.setRef(true);
      child.kill(signal);
      for (const { item } of held) {
        this.#where.delete(item);
        this._settle(item, false, error(child.pid));
      }
    }
    await this.shutdown({ wait: true });
  }
}
