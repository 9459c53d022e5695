// startWorker: the programmatic `nogil worker`. A BullMQ Worker takes jobs from the queue
// (`concurrency` at a time) and runs each on a local executor of nogil/futures (the
// backend), after the security policy admitted its task (security.ts).
//
// Crash recovery (BullMQ's lock and stall settings, chosen here):
//   lockDuration 5000 ms   a running job's lock, renewed every 2500 ms by this worker. Tasks
//                          run on the local executor's threads or processes, never on this
//                          event loop, so renewals are not starved by long tasks.
//   stalledInterval 1000   how often a worker looks for jobs whose lock expired. A SIGKILLed
//                          worker's job is moved back to waiting within about
//                          lockDuration + 2 * stalledInterval (≈ 7 s), then taken by another.
//   maxStalledCount ∞      BullMQ would fail a job after one stall; the submitter's `retries`
//                          decides instead: a job started more than 1 + retries times (each
//                          earlier run died with its worker) fails with BrokenExecutor.
// A task's error is its outcome (job.ts): the job completes, and BullMQ's retries are never
// spent on it.
import { availableParallelism, hostname } from 'node:os';
import type { Job, Worker } from 'bullmq';
import { BrokenExecutor } from '../futures/errors.js';
import { abortError } from '../internal/abort.js';
import { withCode } from '../internal/errors.js';
import { resolveTaskRef } from '../internal/task-ref.js';
import { validateAbortSignal, validateInteger, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { bounded, ClientFamily, whenReady } from './clients.js';
import { decode } from './codec.js';
import { parseConnection, type RedisConnectionOptions } from './connection.js';
import { bullmq } from './deps.js';
import { encodeFailure, encodeOutcome, isJobData } from './job.js';
import { backendOf, type LocalExecutor, startLocalExecutor, type WorkerBackend } from './local-executor.js';
import { msOf, prefixOf, queueNameOf } from './options.js';
import { admitTask, type TaskPolicy, taskPolicyOf } from './security.js';
import { taskLabel, type WireTask } from './task.js';

/** Options of {@link startWorker} (and the flags of `nogil worker`). */
export interface WorkerOptions {
  /** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options. */
  readonly connection: RedisConnectionOptions;
  /** The queue to serve. @default 'nogil' */
  readonly queue?: string | undefined;
  /** The Redis key prefix (the submitters' `prefix`). @default 'nogil' */
  readonly prefix?: string | undefined;
  /** Tasks run at once (and the local executor's workers). @default os.availableParallelism() */
  readonly concurrency?: number | undefined;
  /** The local executor tasks run on. @default 'threads' */
  readonly backend?: WorkerBackend | undefined;
  /** Run functions sent by source (they can do anything this process can). @default false */
  readonly allowSource?: boolean | undefined;
  /** Directories whose modules (and installed packages) may run. @default [process.cwd()] */
  readonly allowModules?: ReadonlyArray<string | URL> | undefined;
  /** Aborting closes the worker (as `close()`); before it is ready, `startWorker` rejects. */
  readonly signal?: AbortSignal | undefined;
  /** A running job's lock, in ms (see the file comment). @default 5000 */
  readonly lockDuration?: number | undefined;
  /** How often stalled jobs are looked for, in ms. @default 1000 */
  readonly stalledInterval?: number | undefined;
  /** Called with each log line (connection lost and found, errors); none by default. */
  readonly log?: ((line: string) => void) | undefined;
}

/** A running worker. */
export interface WorkerHandle extends AsyncDisposable {
  /** The queue it serves. */
  readonly queue: string;
  /** Its backend. */
  readonly backend: WorkerBackend;
  /** Tasks it runs at once. */
  readonly concurrency: number;
  /** Finishes the running tasks, takes no new ones, releases everything. Idempotent. */
  close(): Promise<void>;
  /** Settles once the worker is closed. */
  readonly closed: Promise<void>;
}

const LOCK_DURATION_MS = 5000;
const STALLED_INTERVAL_MS = 1000;
const CLOSE_TIMEOUT_MS = 5000;

// Runs one admitted task on the local executor.
async function runTask(local: LocalExecutor, backend: WorkerBackend, task: WireTask, args: unknown[], chunk: boolean) {
  let fn: unknown;
  if (task.kind === 'kernel') {
    if (backend !== 'native') throw notHere(`native kernel '${task.name}'`, backend);
    fn = task.name;
  } else {
    if (backend === 'native') throw notHere(`task ${taskLabel(task)}`, backend);
    fn =
      task.kind === 'source'
        ? await resolveTaskRef({ kind: 'source', source: task.source, wrap: task.wrap, name: task.name })
        : { module: task.module, name: task.name };
  }
  if (!chunk) return local.submit(fn, ...args);
  const results: unknown[] = [];
  for await (const result of local.map(fn, args, { chunksize: Math.max(1, args.length) })) results.push(result);
  return results;
}

function notHere(what: string, backend: WorkerBackend): TypeError {
  const needs =
    backend === 'native' ? 'a worker with --backend threads or processes' : 'a worker with --backend native';
  return withCode(
    new TypeError(`${what} cannot run on a '${backend}' worker: it needs ${needs}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/**
 * Starts a worker that serves `queue`: resolves to its handle once connected to Redis (while
 * Redis is unreachable it keeps trying; abort `signal` to give up).
 *
 * @example
 * const worker = await startWorker({ connection: 'redis://localhost', queue: 'gcd', concurrency: 4 });
 * process.once('SIGTERM', () => worker.close());
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const opts = validateOptions(options);
  validateKnownKeys(opts, [
    'connection',
    'queue',
    'prefix',
    'concurrency',
    'backend',
    'allowSource',
    'allowModules',
    'signal',
    'lockDuration',
    'stalledInterval',
    'log',
  ]);
  const conn = parseConnection(opts.connection);
  const queue = queueNameOf(opts.queue);
  const prefix = prefixOf(opts.prefix);
  const concurrency = opts.concurrency ?? availableParallelism();
  validateInteger(concurrency, 'options.concurrency', 1, 1024);
  const backend = backendOf(opts.backend);
  const policy = taskPolicyOf(opts.allowSource, opts.allowModules);
  validateAbortSignal(opts.signal, 'options.signal');
  const lockDuration = msOf(opts.lockDuration, 'options.lockDuration', LOCK_DURATION_MS, 100);
  const stalledInterval = msOf(opts.stalledInterval, 'options.stalledInterval', STALLED_INTERVAL_MS, 100);
  const log = opts.log ?? (() => {});
  const signal = opts.signal;
  signal?.throwIfAborted();

  let lastLogged: string | undefined;
  const onError = (error: Error): void => {
    const line = `error: ${error.message}`;
    if (line !== lastLogged) log(line);
    lastLogged = line;
  };
  const local = await startLocalExecutor(backend, concurrency);
  const family = new ClientFamily(conn.options, false, onError);
  try {
    await whenReady(family.root, signal);
  } catch (error) {
    family.forceClose();
    await local.shutdown();
    throw signal?.aborted ? abortError(signal) : error;
  }
  family.root.on('ready', () => {
    if (lastLogged !== undefined) log(`connected again to ${conn.redacted}`);
    lastLogged = undefined;
  });

  let active = 0;
  let idle: (() => void) | undefined;
  const processor = async (job: Job): Promise<string> => {
    active++;
    try {
      return await processJob(job, policy, local, backend);
    } finally {
      if (--active === 0) idle?.();
    }
  };
  const worker: Worker = new bullmq.Worker(queue, processor, {
    connection: family.root,
    prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount: Number.MAX_SAFE_INTEGER,
    name: `${hostname()}:${process.pid}`,
    autorun: true,
  });
  worker.on('error', onError);

  let closedResolve: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    closedResolve = resolve;
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      signal?.removeEventListener('abort', onAbort);
      const stopping = worker.close(); // takes no new jobs from here on
      stopping.catch(() => {});
      if (active > 0) await new Promise<void>((resolve) => (idle = resolve));
      await bounded(() => stopping, CLOSE_TIMEOUT_MS);
      await local.shutdown();
      await bounded(async () => {
        if (family.root.status === 'ready') await family.root.quit();
      }, CLOSE_TIMEOUT_MS);
      family.forceClose();
    })().finally(closedResolve);
    return closing;
  };
  const onAbort = (): void => {
    close().catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await bounded(() => worker.waitUntilReady(), CLOSE_TIMEOUT_MS);
  } catch {
    // runs anyway: BullMQ reconnects by itself
  }
  log(`serving queue '${queue}' on ${conn.redacted} (backend ${backend}, concurrency ${concurrency})`);

  return { queue, backend, concurrency, closed, close, [Symbol.asyncDispose]: close };
}

// Admitted module tasks, by module and export (the policy check resolves real paths: once
// per module, not once per job). Refusals are not cached: a module may appear later.
const admittedModules = new WeakMap<TaskPolicy, Map<string, WireTask>>();

function admitted(task: WireTask, policy: TaskPolicy): WireTask {
  if (task.kind !== 'module') return admitTask(task, policy);
  let cache = admittedModules.get(policy);
  if (!cache) {
    cache = new Map();
    admittedModules.set(policy, cache);
  }
  const key = `${task.module}\0${task.name}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = admitTask(task, policy);
    cache.set(key, hit);
  }
  return hit;
}

// One job: check the attempt count and the policy, run the task, encode the outcome. Every
// failure is an outcome (the job completes); only a job this version cannot read throws.
async function processJob(job: Job, policy: TaskPolicy, local: LocalExecutor, backend: WorkerBackend): Promise<string> {
  const data: unknown = job.data;
  if (!isJobData(data)) throw new Error(`job ${job.id} is not a nogil task (or from another nogil version)`);
  const runs = job.attemptsStarted;
  if (runs > data.retries + 1) {
    return encodeFailure(
      withCode(
        new BrokenExecutor(
          `task ${taskLabel(data.task)}: the worker running it died ${runs - 1} time${runs === 2 ? '' : 's'} ` +
            `(retries: ${data.retries})`,
        ),
        'ERR_NOGIL_RETRIES_EXHAUSTED',
      ),
    );
  }
  try {
    const task = admitted(data.task, policy);
    const args = decode(data.args) as unknown[];
    return encodeOutcome(await runTask(local, backend, task, args, data.chunk));
  } catch (error) {
    return encodeFailure(error);
  }
}
