// RedisExecutor: the Executor of nogil/futures whose tasks run on `nogil worker` processes
// anywhere, through a BullMQ queue on Redis.
//
//   submit/map ──> WorkItem ──(one tick: one addBulk)──> Redis queue ──> nogil worker(s)
//                                                                           │ local executor
//   future settled <── completed/failed events (one XREAD for all futures) <─┘
//
// A future is PENDING while its job waits (cancel() removes the job) and RUNNING from the
// worker's 'active' event. Each future settles once: late or repeated events (a task run
// again after its worker died, a watchdog check racing an event) find it done and are dropped.
//
// The watchdog (one timer, ref'd only while futures are in flight, so an idle executor never
// keeps the process alive) bounds every wait by `attemptTimeout`:
//   - Redis unreachable for longer than that: the futures waiting on it reject with a
//     ConnectionError naming host and port;
//   - a future without news (no event) for that long: its job is looked up in Redis; a job
//     that finished settles the future from the stored outcome (an event the reader missed),
//     one that is gone (Redis restarted without persistence) rejects, one still waiting or
//     running is fine (its worker holds a lock; a dead worker's job comes back by itself).
// After a reconnect every job in flight is looked up at once.
import { randomBytes } from 'node:crypto';
import { BrokenExecutor } from '../futures/errors.js';
import { Executor, type WorkItem } from '../futures/executor.js';
import { kObserve } from '../futures/future.js';
import { withCode } from '../internal/errors.js';
import { validateKnownKeys, validateOptions } from '../internal/validate.js';
import { encode } from './codec.js';
import { type ParsedConnection, parseConnection, type RedisConnectionOptions } from './connection.js';
import { ConnectionError } from './errors.js';
import { decodeOutcome, JOB_FORMAT, type JobData } from './job.js';
import { countOf, msOf, prefixOf, queueNameOf } from './options.js';
import { type JobListener, type StoredJob, Submitter } from './submitter.js';
import { type DistributedTask, taskLabel, toWireTask, type WireTask } from './task.js';

/** Options of {@link RedisExecutor}. */
export interface RedisExecutorOptions {
  /** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options (optionally with `url`). */
  readonly connection: RedisConnectionOptions;
  /** The queue's name (no ':', whitespace or control characters). @default 'nogil' */
  readonly queue?: string | undefined;
  /** How many times a task runs again after its worker died mid-task. @default 2 */
  readonly retries?: number | undefined;
  /**
   * Milliseconds a future waits on an unreachable Redis, or without news of its job, before
   * the executor rejects it (unreachable) or looks the job up in Redis. @default 30000
   */
  readonly attemptTimeout?: number | undefined;
  /** The Redis key prefix (BullMQ's `prefix`; workers must use the same). @default 'nogil' */
  readonly prefix?: string | undefined;
}

// One task in flight.
interface InFlight {
  readonly item: WorkItem<WireTask>;
  readonly jobId: string;
  /** The job is in Redis (its add succeeded). */
  stored: boolean;
  /** performance.now() of the last news: submit, an event, a check that found it alive. */
  news: number;
}

const DEFAULT_RETRIES = 2;
const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;

/**
 * An Executor whose tasks run on `nogil worker` processes (or {@link startWorker}) on any
 * machine that reaches the same Redis: Python's `concurrent.futures` API on a BullMQ queue.
 * Tasks are `{ module, name }` references (resolved on the worker), self-contained functions
 * (run only by workers started with `allowSource`), or native kernel names (native workers).
 * Arguments and results cross by v8 serialization.
 *
 * @example
 * const executor = new RedisExecutor({ connection: 'redis://localhost:6379', queue: 'gcd' });
 * const f = executor.submit({ module: './tasks.mjs', name: 'gcd' }, 12, 18);
 * console.log(await f); // 6
 * await executor.shutdown();
 */
export class RedisExecutor extends Executor<DistributedTask, WireTask> {
  readonly #conn: ParsedConnection;
  readonly #queue: string;
  readonly #retries: number;
  readonly #attemptTimeout: number;
  readonly #submitter: Submitter;
  // Job ids: this executor's random id and a counter (no ':', which BullMQ refuses).
  readonly #id = randomBytes(6).toString('hex');
  #seq = 0;
  readonly #inFlight = new Map<string, InFlight>();
  #watchdog: NodeJS.Timeout | undefined;
  #checking = false;
  #workerCount = 0;
  #workersAsked = 0;

  /**
   * @throws {TypeError} for a bad connection or queue name; {RangeError} for a negative or
   *   fractional `retries`, or an `attemptTimeout` below 1 ms.
   */
  constructor(options: RedisExecutorOptions) {
    super();
    const opts = validateOptions(options);
    validateKnownKeys(opts, ['connection', 'queue', 'retries', 'attemptTimeout', 'prefix']);
    this.#conn = parseConnection(opts.connection);
    this.#queue = queueNameOf(opts.queue);
    this.#retries = countOf(opts.retries, 'options.retries', DEFAULT_RETRIES);
    this.#attemptTimeout = msOf(opts.attemptTimeout, 'options.attemptTimeout', DEFAULT_ATTEMPT_TIMEOUT_MS);
    this.#submitter = new Submitter(this.#conn, this.#queue, prefixOf(opts.prefix), this.#listener);
  }

  /** The queue's name. */
  get queue(): string {
    return this.#queue;
  }

  /** Where Redis is, without the password (`redis://***@host:port`). */
  get redis(): string {
    return this.#conn.redacted;
  }

  // ---- the backend protocol ----

  protected override _prepare(fn: unknown): WireTask {
    return toWireTask(fn);
  }

  // Serialized here, at the call: a value that cannot cross is a TypeError at submit. The
  // item then carries its one base64 payload instead of the arguments.
  protected override _prepareArgs(_task: WireTask, args: readonly unknown[], chunk: boolean): readonly unknown[] {
    return [encode(args, chunk ? 'the map items' : 'the arguments')];
  }

  protected override _dispatch(items: ReadonlyArray<WorkItem<WireTask>>): void {
    const now = performance.now();
    const batch: InFlight[] = [];
    for (const item of items) {
      const job: InFlight = { item, jobId: `${this.#id}-${++this.#seq}`, stored: false, news: now };
      this.#inFlight.set(job.jobId, job);
      item.future[kObserve](() => this.#onDone(job));
      batch.push(job);
    }
    this.#arm();
    this.#submitter.setBusy(true);
    // The jobs are built once Redis is reachable: futures that were cancelled or timed out
    // while it was not are left out.
    let sent: InFlight[] = [];
    this.#submitter
      .add(() => {
        sent = batch.filter((job) => !job.item.future.done());
        return sent.map((job) => ({
          jobId: job.jobId,
          name: taskLabel(job.item.task),
          data: {
            v: JOB_FORMAT,
            task: job.item.task,
            args: job.item.args[0] as string,
            chunk: job.item.chunk,
            retries: this.#retries,
          } satisfies JobData,
        }));
      })
      .then(
        () => {
          for (const job of sent) {
            job.stored = true;
            job.news = performance.now();
            // Cancelled while the add was on its way: take the job back out.
            if (job.item.future.cancelled()) this.#removeJob(job);
          }
        },
        (error: unknown) => {
          for (const job of batch) this._settle(job.item, false, this.#connectionError(error));
        },
      );
  }

  protected override async _close(): Promise<void> {
    this.#disarm();
    await this.#submitter.close();
  }

  protected override _workers(): { workers: number; idle: number } {
    // stats() is synchronous: report the last count and ask Redis again (at most once a second).
    const now = performance.now();
    if (!this._isShutdown && this.#inFlight.size > 0 && now - this.#workersAsked > 1000) {
      this.#workersAsked = now;
      this.#submitter.workers().then(
        (n) => {
          this.#workerCount = n;
        },
        () => {},
      );
    }
    let running = 0;
    for (const job of this.#inFlight.values()) if (job.item.future.running()) running++;
    return { workers: this.#workerCount, idle: Math.max(0, this.#workerCount - running) };
  }

  // ---- events ----

  readonly #listener: JobListener = {
    active: (jobId) => {
      const job = this.#news(jobId);
      if (job && !job.item.future.running()) job.item.future.setRunningOrNotifyCancel();
    },
    completed: (jobId, returnvalue) => {
      const job = this.#inFlight.get(jobId);
      if (job) this.#settleFrom(job, returnvalue);
    },
    failed: (jobId, reason) => {
      const job = this.#inFlight.get(jobId);
      if (job) this._settle(job.item, false, this.#failedError(job, reason));
    },
    removed: (jobId) => {
      const job = this.#inFlight.get(jobId);
      if (job) this._settle(job.item, false, this.#lostError(job, 'was removed from the queue by someone else'));
    },
    stalled: (jobId) => {
      this.#news(jobId);
    },
    reconnected: () => {
      this.#check([...this.#inFlight.values()].filter((job) => job.stored));
    },
  };

  #news(jobId: string): InFlight | undefined {
    const job = this.#inFlight.get(jobId);
    if (job) job.news = performance.now();
    return job;
  }

  #settleFrom(job: InFlight, returnvalue: unknown): void {
    let ok: boolean;
    let value: unknown;
    try {
      [ok, value] = decodeOutcome(returnvalue);
    } catch (error) {
      [ok, value] = [
        false,
        new BrokenExecutor(`the answer to task ${taskLabel(job.item.task)} is unreadable`, { cause: error }),
      ];
    }
    this._settle(job.item, ok, value);
  }

  #onDone(job: InFlight): void {
    this.#inFlight.delete(job.jobId);
    if (this.#inFlight.size === 0) {
      this.#disarm();
      this.#submitter.setBusy(false);
    }
    const future = job.item.future;
    if (!future.cancelled()) return;
    // CPython notifies a cancelled future when a worker would have picked it up; here nobody
    // will: notify now, and take the job out of the queue (a worker that took it in the
    // meantime runs it; its answer is dropped).
    if (future.state === 'CANCELLED') future.setRunningOrNotifyCancel();
    if (job.stored) this.#removeJob(job);
  }

  #removeJob(job: InFlight): void {
    this.#submitter.remove(job.jobId).catch(() => {});
  }

  // ---- the watchdog ----

  #arm(): void {
    if (this.#watchdog) return;
    const every = Math.min(1000, Math.max(50, this.#attemptTimeout / 4));
    this.#watchdog = setInterval(() => this.#tick(), every);
  }

  #disarm(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  #tick(): void {
    const now = performance.now();
    const downSince = this.#submitter.downSince;
    const stale: InFlight[] = [];
    for (const job of this.#inFlight.values()) {
      if (downSince !== undefined) {
        if (now - Math.max(job.news, downSince) > this.#attemptTimeout) {
          this._settle(job.item, false, this.#unreachableError(now - downSince));
        }
      } else if (job.stored && now - job.news > this.#attemptTimeout) {
        stale.push(job);
      }
    }
    if (stale.length > 0) this.#check(stale);
  }

  // Looks jobs up in Redis (one pipelined round trip) and settles those that are over or gone.
  #check(jobs: readonly InFlight[]): void {
    if (this.#checking || jobs.length === 0) return;
    this.#checking = true;
    this.#submitter
      .inspect(jobs.map((job) => job.jobId))
      .then(
        (states: StoredJob[]) => {
          const now = performance.now();
          jobs.forEach((job, i) => {
            const stored = states[i] as StoredJob;
            if (stored.state === 'completed') this.#settleFrom(job, stored.returnvalue);
            else if (stored.state === 'failed') this._settle(job.item, false, this.#failedError(job, stored.reason));
            else if (stored.state === 'missing') {
              this._settle(
                job.item,
                false,
                this.#lostError(job, 'is gone from Redis (restarted without persistence?)'),
              );
            } else job.news = now;
          });
        },
        () => {},
      )
      .finally(() => {
        this.#checking = false;
      });
  }

  // ---- errors (host and port, never the password) ----

  #unreachableError(forMs: number): ConnectionError {
    const last = this.#submitter.lastError;
    return new ConnectionError(
      `cannot reach Redis at ${this.#conn.address} (for ${Math.round(forMs)} ms, attemptTimeout ${this.#attemptTimeout} ms)` +
        (last ? `: ${last}` : ''),
    );
  }

  #connectionError(error: unknown): Error {
    return new ConnectionError(
      `cannot add jobs to Redis at ${this.#conn.address}: ${(error as Error)?.message ?? error}`,
      {
        cause: error,
      },
    );
  }

  #lostError(job: InFlight, what: string): BrokenExecutor {
    return withCode(
      new BrokenExecutor(`the job of task ${taskLabel(job.item.task)} (${job.jobId}) ${what}`),
      'ERR_NOGIL_JOB_LOST',
    );
  }

  #failedError(job: InFlight, reason: string): BrokenExecutor {
    return withCode(
      new BrokenExecutor(`task ${taskLabel(job.item.task)} (${job.jobId}) failed on the worker: ${reason}`),
      'ERR_NOGIL_JOB_FAILED',
    );
  }
}
