// The Redis side of a RedisExecutor: one BullMQ Queue to add and remove jobs, and one
// QueueEvents reader (one blocking XREAD on the queue's event stream: a single subscription
// however many futures are in flight) that pushes each job's start and outcome back.
//
// Fast results are never missed: each reader starts from the last event id read *before* the
// jobs it waits for are added (QueueEvents' default '$' would skip events that happen before
// its first read).
//
// Connections live in a session, opened on first use and closed once nothing has been in
// flight for LINGER_MS: BullMQ's reader keeps a ref'd timer around each blocking read, so an
// idle executor that kept its reader would keep the process alive. Sockets are unref'd; the
// executor's watchdog timer keeps the process alive while futures are pending. While Redis is
// down, ioredis reconnects (at most 1 s apart) and `connected`/`downSince` tell the watchdog
// for how long.
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
const LINGER_MS = 1000;

type Nullable = string | null;

// One set of connections: the command client (and the Queue on it) and the event reader.
class Session {
  readonly family: ClientFamily;
  readonly opened: Promise<void>;
  queue: Queue | undefined;
  events: QueueEvents | undefined;
  up = false;
  downSince = performance.now();
  #closed = false;

  constructor(
    conn: ParsedConnection,
    name: string,
    prefix: string,
    listener: JobListener,
    onError: (e: Error) => void,
  ) {
    this.family = new ClientFamily(conn.options, true, onError);
    let wasUp = false;
    const root = this.family.root;
    root.on('ready', () => {
      this.up = true;
      if (wasUp && !this.#closed) listener.reconnected();
      wasUp = true;
    });
    root.on('close', () => {
      if (this.up) this.downSince = performance.now();
      this.up = false;
    });
    this.opened = this.#open(name, prefix, listener, onError);
    this.opened.catch(() => {});
  }

  async #open(name: string, prefix: string, l: JobListener, onError: (e: Error) => void): Promise<void> {
    const root = this.family.root;
    await whenReady(root);
    const opts = { connection: root, prefix };
    const queue = new bullmq.Queue(name, { ...opts, streams: { events: { maxLen: EVENTS_MAX_LEN } } });
    this.queue = queue;
    queue.on('error', onError);
    await queue.waitUntilReady();
    const last = await root.xrevrange(queue.keys.events as string, '+', '-', 'COUNT', 1);
    if (this.#closed) throw new Error('the session was closed');
    const events = new bullmq.QueueEvents(name, { ...opts, lastEventId: last[0]?.[0] ?? '0-0', autorun: true });
    this.events = events;
    events.on('error', onError);
    events.on('active', ({ jobId }) => l.active(jobId));
    events.on('completed', ({ jobId, returnvalue }) => l.completed(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => l.failed(jobId, failedReason));
    events.on('removed', ({ jobId }) => l.removed(jobId));
    events.on('stalled', ({ jobId }) => l.stalled(jobId));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const { events, queue, family } = this;
    // No more events from this session (a newer one may already be reading).
    for (const name of ['active', 'completed', 'failed', 'removed', 'stalled']) events?.removeAllListeners(name);
    await bounded(async () => {
      await events?.close();
      await queue?.close();
      if (family.root.status === 'ready') await family.root.quit();
    }, CLOSE_TIMEOUT_MS);
    family.forceClose();
  }
}

/** The submitter's link to one queue (see the file comment). */
export class Submitter {
  readonly #conn: ParsedConnection;
  readonly #name: string;
  readonly #prefix: string;
  readonly #listener: JobListener;
  #session: Session | undefined;
  #busy = false;
  #ops = 0;
  #linger: NodeJS.Timeout | undefined;
  #lastError: string | undefined;
  #closed = false;
  readonly #onError = (error: Error): void => {
    this.#lastError = error.message;
  };

  constructor(conn: ParsedConnection, name: string, prefix: string, listener: JobListener) {
    this.#conn = conn;
    this.#name = name;
    this.#prefix = prefix;
    this.#listener = listener;
  }

  /** Since when (performance.now()) Redis has been unreachable, if it is. */
  get downSince(): number | undefined {
    const s = this.#session;
    return !s || s.up ? undefined : s.downSince;
  }

  /** The last connection error's message (ioredis names host and port, never the password). */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Futures are in flight (true) or none is (false: the session closes after LINGER_MS). */
  setBusy(busy: boolean): void {
    this.#busy = busy;
    if (!busy) this.#scheduleLinger();
  }

  #scheduleLinger(): void {
    clearTimeout(this.#linger);
    this.#linger = setTimeout(() => {
      if (this.#busy) return;
      if (this.#ops > 0) return this.#scheduleLinger();
      const session = this.#session;
      this.#session = undefined;
      session?.close().catch(() => {});
    }, LINGER_MS);
    this.#linger.unref();
  }

  // Runs `op` on the open session (opening one if needed).
  async #use<T>(op: (session: Session) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('the executor is closed');
    this.#session ??= new Session(this.#conn, this.#name, this.#prefix, this.#listener, this.#onError);
    const session = this.#session;
    this.#ops++;
    try {
      await session.opened;
      return await op(session);
    } finally {
      this.#ops--;
    }
  }

  /** Adds the jobs `build` gives once connected (one round trip for the whole batch). */
  add(build: () => readonly NewJob[]): Promise<void> {
    return this.#use(async (s) => {
      const jobs = build();
      if (jobs.length === 0) return;
      await s.queue!.addBulk(
        jobs.map((job) => ({
          name: job.name,
          data: job.data,
          opts: { jobId: job.jobId, attempts: 1, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
        })),
      );
    });
  }

  /** Removes a job that no worker has taken; false if one has (or it is gone). */
  remove(jobId: string): Promise<boolean> {
    return this.#use(async (s) => (await s.queue!.remove(jobId)) === 1);
  }

  /** The stored state of each job (one pipelined round trip). */
  inspect(jobIds: readonly string[]): Promise<StoredJob[]> {
    return this.#use(async (s) => {
      const queue = s.queue!;
      const pipeline = s.family.root.pipeline();
      for (const id of jobIds)
        pipeline.hmget(queue.toKey(id), 'timestamp', 'finishedOn', 'returnvalue', 'failedReason');
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
    });
  }

  /** How many BullMQ workers serve the queue now. */
  workers(): Promise<number> {
    return this.#use((s) => s.queue!.getWorkersCount());
  }

  /** Closes everything (bounded: never waits on an unreachable Redis). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#linger);
    const session = this.#session;
    this.#session = undefined;
    await session?.close();
  }
}
