// Starting a Thread's worker: cold (a new Worker with the boot data) or warm (a pre-booted idle
// worker from a small pool, sent the boot data by message), and the OS thread id it runs on.
//
// Warm pool: Node takes tens of milliseconds to boot a worker and load worker-main.js, most of a
// short thread's life (Python starts a thread in microseconds). A few workers are booted ahead of
// time, idle (waiting for a boot message) and unref'd, so they never keep the process alive;
// `start()` takes one and only posts the boot message. Each worker runs one thread's target and
// then exits (a thread is over when its target settles), so workers are never reused: the pool is
// refilled in the background once the threads of a burst of starts have all ended, or a second
// after the last start if some still run, so that booting replacements never competes with the
// threads just started.
// The pool lives on the main thread only (workers that start threads start them cold). It is
// filled after the first `Thread` is created (once the threads started by then have ended, so it
// never slows them down), then kept full. Its size starts at 4 and
// grows to the most threads seen running at once (at most 16), so an app that runs 8 threads at
// a time finds 8 warm workers the next time; `NOGIL_WARM_THREADS=n` fixes it at n (0: no pool).
import { readdirSync } from 'node:fs';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { workerExecArgv } from '../internal/task-ref.js';
import { BOOT_KEY, type ThreadBoot, WARM_KEY } from './boot.js';
import { ownTid } from './state.js';
import { onMainThread } from './wait.js';

const WORKER_URL = new URL('./worker-main.js', import.meta.url);

// The OS thread ids of this process (Linux), to learn a new worker's id as soon as `new Worker()`
// has created its thread, as Python's `native_id` is known once `start()` returns.
function osThreadIds(): Set<string> | undefined {
  if (ownTid === undefined) return undefined;
  try {
    return new Set(readdirSync('/proc/self/task'));
  } catch {
    return undefined;
  }
}

// The one thread id that appeared since `before`, or undefined if that is not clear (another
// thread was created at the same moment): the worker then reports its id itself when it boots.
function newOsThreadId(before: Set<string> | undefined): number | undefined {
  const after = before && osThreadIds();
  if (!after) return undefined;
  let found: number | undefined;
  for (const id of after) {
    if (before.has(id)) continue;
    if (found !== undefined) return undefined;
    found = Number(id);
  }
  return found !== undefined && Number.isSafeInteger(found) && found > 0 ? found : undefined;
}

/** A worker ready to run a thread's target, and its OS thread id if known. */
export interface StartedWorker {
  readonly worker: Worker;
  readonly nativeId: number | undefined;
}

interface Idle {
  readonly worker: Worker;
  /** The word the idle worker sleeps on (start() sets it to 1 after posting the boot data). */
  readonly cell: Int32Array;
  readonly nativeId: number | undefined;
  readonly drop: () => void;
  dead: boolean;
}

const idle: Idle[] = [];
let refill: ReturnType<typeof setTimeout> | undefined;
// At the latest, how long after the last start the pool is refilled while threads still run.
const REFILL_DELAY_MS = 1_000;

const DEFAULT_SIZE = 4;
const MAX_SIZE = 16;
// The size the pool adapts to (the most threads it has seen running at once), that peak since the
// last refill, and how many threads started here are running now.
let adaptive = DEFAULT_SIZE;
let peak = 0;
let running = 0;

function poolSize(): number {
  if (!onMainThread) return 0;
  const raw = process.env.NOGIL_WARM_THREADS;
  if (raw === undefined || raw === '') return adaptive;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? Math.min(n, 64) : 0;
}

function spawnIdle(): void {
  const before = osThreadIds();
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_URL, {
    workerData: { [WARM_KEY]: cell.buffer },
    execArgv: workerExecArgv(),
    env: SHARE_ENV,
  });
  const entry: Idle = {
    worker,
    cell,
    nativeId: newOsThreadId(before),
    dead: false,
    drop: () => {
      entry.dead = true;
      const i = idle.indexOf(entry);
      if (i >= 0) idle.splice(i, 1);
    },
  };
  // 'exit'/'error' listeners do not ref the worker ('message' ones would).
  worker.once('exit', entry.drop);
  worker.once('error', entry.drop);
  worker.unref();
  idle.push(entry);
}

function fillWarmPool(): void {
  const size = poolSize();
  while (idle.length < size) spawnIdle();
}

let primed = false;

/**
 * Called when a `Thread` is created: the first time, boots the pool on the next turn of the event
 * loop unless threads were started meanwhile (then the refill after them does it), so booting
 * the pool never competes with the first threads' own start-up.
 */
export function primeWarmPool(): void {
  if (primed || poolSize() === 0) return;
  primed = true;
  setImmediate(() => {
    if (running === 0) fillWarmPool();
  }).unref();
}

function refillNow(): void {
  if (refill !== undefined) clearTimeout(refill);
  refill = undefined;
  adaptive = Math.min(MAX_SIZE, Math.max(adaptive, peak));
  peak = running;
  fillWarmPool();
}

// Counts a start; the pool is refilled when the threads started have all ended (their workers
// exited), or REFILL_DELAY_MS after the last start.
function countStart(worker: Worker): void {
  running++;
  peak = Math.max(peak, running);
  worker.once('exit', () => {
    if (--running === 0) setImmediate(refillNow).unref();
  });
  if (refill !== undefined) clearTimeout(refill);
  refill = setTimeout(refillNow, REFILL_DELAY_MS);
  refill.unref();
}

/**
 * A worker for a thread: a warm one (posted `boot`) when the pool has one, else a new one.
 * @throws {DOMException} (DataCloneError) if `boot` cannot be cloned (a warm worker goes back to the pool).
 */
export function startWorker(boot: ThreadBoot): StartedWorker {
  for (let entry = idle.shift(); entry !== undefined; entry = idle.shift()) {
    if (entry.dead) continue;
    try {
      entry.worker.postMessage({ [BOOT_KEY]: boot });
    } catch (error) {
      idle.unshift(entry);
      throw error;
    }
    Atomics.store(entry.cell, 0, 1);
    Atomics.notify(entry.cell, 0);
    entry.worker.off('exit', entry.drop);
    entry.worker.off('error', entry.drop);
    countStart(entry.worker);
    return { worker: entry.worker, nativeId: entry.nativeId };
  }
  const before = osThreadIds();
  const worker = new Worker(WORKER_URL, {
    workerData: { [BOOT_KEY]: boot },
    execArgv: workerExecArgv(),
    env: SHARE_ENV,
  });
  if (poolSize() > 0) countStart(worker);
  // `new Worker()` creates the OS thread before it returns.
  return { worker, nativeId: newOsThreadId(before) };
}

/** How many warm workers are idle now (tests and the bench look at it). */
export function warmWorkers(): number {
  return idle.filter((e) => !e.dead).length;
}
