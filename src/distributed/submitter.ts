// The Redis side of a RedisExecutor: one BullMQ Queue to add and remove jobs, and one
// QueueEvents reader (one blocking XREAD on the queue's event stream: a single subscription
// however many futures are in flight) that pushes each job's start and outcome back.
//
// Fast results are never missed: the reader starts from the last event id read *before* the
// first job is added (QueueEvents' default '$' would skip events that happen before its first
// read). Connections are made on first use; while Redis is down, ioredis reconnects (at most
// 1 s apart) and `connected`/`downSince` tell the executor's watchdog how long it has been.
import type { Queue, QueueEvents } from 'bullmq';
import { bounded, ClientFamily, whenReady } from './clients.js';
import type { ParsedConnection } from './connection.js';
import { bullmq } from './deps.js';

/** What the reader reports, by job id (for every job of the queue: filter your own). */
export interface JobListener {
  active(jobId: string): void;
  completed(jobId: string, returnvalue: unknown): void;
  failed(jobId: string, reason: string): void;
  removed(jobId: string): void;
  stalled(jobId: string): void;
  /** The connection came back after a loss (check the jobs in flight). */
  reconnected(): void;
}

/** A job to add. */
export interface NewJob {
  readonly jobId: string;
  readonly name: string;
  readonly data: unknown;
}

/** A job's state as stored in Redis (for the watchdog's checks). */
export type StoredJob =
  | { readonly state: 'missing' }
  | { readonly state: 'pending' }
  | { readonly state: 'completed'; readonly returnvalue: unknown }
  | { readonly state: 'failed'; readonly reason: string };

// Completed jobs stay a while (a safety net for the watchdog's checks; the executor settles
// from the pushed event), bounded so that big results do not pile up in Redis.
const KEEP_COMPLETED = { age: 600, count: 1000 };
const KEEP_FAILED = { age: 3600, count: 1000 };
// Events kept in the stream: the reader must not fall this far behind (a burst of adds
// writes two events per job before any result).
const EVENTS_MAX_LEN = 50_000;
const CLOSE_TIMEOUT_MS = 2000;

type Nullable = string | null;

/** The submitter's link to one queue (see the file comment). */
export class Submitter {
  readonly #conn: ParsedConnection;
  readonly #name: string;
  readonly #prefix: string;
  readonly #listener: JobListener;
  #family: ClientFamily | undefined;
  #queue: Queue | undefined;
  #events: QueueEvents | undefined;
  #ready: Promise<void> | undefined;
  #up = false;
  #wasUp = false;
  #downSince = performance.now();
  #lastError: string | undefined;
  #closed = false;

  constructor(conn: ParsedConnection, name: string, prefix: string, listener: JobListener) {
    this.#conn = conn;
    this.#name = name;
    this.#prefix = prefix;
    this.#listener = listener;
  }

  /** Whether the command connection is up now. */
  get connected(): boolean {
    return this.#up;
  }

  /** Since when (performance.now()) Redis has been unreachable, if it is. */
  get downSince(): number | undefined {
    return this.#up ? undefined : this.#downSince;
  }

  /** The last connection error's message (ioredis names host and port, never the password). */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Connects (once) and starts the event reader; resolves when jobs can be added. */
  ready(): Promise<void> {
    this.#ready ??= this.#connect();
    return this.#ready;
  }

  async #connect(): Promise<void> {
    if (this.#closed) throw new Error('the executor is closed');
    this.#downSince = performance.now();
    const family = new ClientFamily(this.#conn.options, true, (error) => {
      this.#lastError = error.message;
    });
    this.#family = family;
    const root = family.root;
    root.on('ready', () => {
      this.#up = true;
      if (this.#wasUp) this.#listener.reconnected();
      this.#wasUp = true;
    });
    root.on('close', () => {
      if (this.#up) this.#downSince = performance.now();
      this.#up = false;
    });
    await whenReady(root);
    const opts = { connection: root, prefix: this.#prefix };
    const queue = new bullmq.Queue(this.#name, { ...opts, streams: { events: { maxLen: EVENTS_MAX_LEN } } });
    this.#queue = queue;
    queue.on('error', (error: Error) => {
      this.#lastError = error.message;
    });
    await queue.waitUntilReady();
    const last = await root.xrevrange(queue.keys.events as string, '+', '-', 'COUNT', 1);
    const lastEventId = last[0]?.[0] ?? '0-0';
    const events = new bullmq.QueueEvents(this.#name, { ...opts, lastEventId, autorun: true });
    this.#events = events;
    const l = this.#listener;
    events.on('error', (error: Error) => {
      this.#lastError = error.message;
    });
    events.on('active', ({ jobId }) => l.active(jobId));
    events.on('completed', ({ jobId, returnvalue }) => l.completed(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => l.failed(jobId, failedReason));
    events.on('removed', ({ jobId }) => l.removed(jobId));
    events.on('stalled', ({ jobId }) => l.stalled(jobId));
  }

  /** Adds jobs (one round trip for the whole batch). */
  async add(jobs: readonly NewJob[]): Promise<void> {
    await this.ready();
    await this.#queue!.addBulk(
      jobs.map((job) => ({
        name: job.name,
        data: job.data,
        opts: { jobId: job.jobId, attempts: 1, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
      })),
    );
  }

  /** Removes a job that no worker has taken; false if one has (or it is gone). */
  async remove(jobId: string): Promise<boolean> {
    await this.ready();
    return (await this.#queue!.remove(jobId)) === 1;
  }

  /** The stored state of each job (one pipelined round trip). */
  async inspect(jobIds: readonly string[]): Promise<StoredJob[]> {
    await this.ready();
    const queue = this.#queue!;
    const pipeline = this.#family!.root.pipeline();
    for (const id of jobIds) pipeline.hmget(queue.toKey(id), 'timestamp', 'finishedOn', 'returnvalue', 'failedReason');
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, fields]): StoredJob => {
      if (error) throw error;
      const [timestamp, finishedOn, returnvalue, failedReason] = fields as [Nullable, Nullable, Nullable, Nullable];
      if (timestamp === null) return { state: 'missing' };
      if (finishedOn === null) return { state: 'pending' };
      if (returnvalue !== null && failedReason === null) {
        return { state: 'completed', returnvalue: JSON.parse(returnvalue) as unknown };
      }
      return { state: 'failed', reason: failedReason ?? 'unknown failure' };
    });
  }

  /** How many BullMQ workers serve the queue now. */
  async workers(): Promise<number> {
    await this.ready();
    return this.#queue!.getWorkersCount();
  }

  /** Closes the reader, the queue and the clients (bounded: never waits on a dead Redis). */
  async close(): Promise<void> {
    this.#closed = true;
    const family = this.#family;
    if (!family) return;
    const events = this.#events;
    const queue = this.#queue;
    await bounded(async () => {
      await events?.close();
      await queue?.close();
      if (family.root.status === 'ready') await family.root.quit();
    }, CLOSE_TIMEOUT_MS);
    family.forceClose();
    this.#ready?.catch(() => {});
  }
}
