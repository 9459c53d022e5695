// The wire protocol between ThreadPoolExecutor (thread-pool.ts) and its piscina workers
// (thread-worker.ts). Kept apart so the worker loads only this, not the executor.
//
// One piscina task carries a *batch*: the tasks one tick submitted for one worker.
//
//   main                                            worker (thread-worker.ts)
//   slots = Int32Array(SAB) [tid, stage, s0..sN]
//   pool.run(BatchTask) ─────────────────────────>  slots[tid] = threadId; initializer once
//                                                   for each task i:
//   future.cancel(): CAS s_i QUEUED -> CANCELLED      CAS s_i QUEUED -> RUNNING, else skip it
//   future.running(): s_i is RUNNING/FINISHED         run it; s_i = FINISHED; keep the outcome
//   an idle worker: CAS s_i QUEUED -> STOLEN          (from the end of a busy worker's batch)
//   'message' { __nogilBatch, out } <─────────────  flush outcomes: at the end, before any await,
//                                                   and from process 'exit' (process.exit())
//   run() resolves { ms, sent, calls, init?, load? } <─ (how long the batch took, how many outcomes
//                                                   and calls, or why the initializer failed, or
//                                                   why the worker could not load its code)
//
// If the worker dies, the slots tell what happened to each task: QUEUED ones never started (run
// them elsewhere), a RUNNING one is the one that killed it, a FINISHED one's outcome was either
// delivered (drained before the worker's 'exit' event) or lost with the worker.
import type { TaskRef } from '../internal/task-ref.js';

/** Slot of the worker's threadId (0: the batch has not reached a worker). */
export const SLOT_THREAD = 0;
/** Slot of the batch's stage (STAGE_*). */
export const SLOT_STAGE = 1;
/** Index of the first task's slot. */
export const SLOT_FIRST = 2;

/** The worker is running its initializer for this batch. */
export const STAGE_INIT = 1;
/** The worker is running the batch's tasks. */
export const STAGE_RUN = 2;

/** A task not started yet. */
export const QUEUED = 0;
/** A task the worker started. */
export const RUNNING = 1;
/** A task cancelled before it started (the worker skips it). */
export const CANCELLED = 2;
/** A task the worker finished (its outcome is on the way). */
export const FINISHED = 3;
/** A task the main thread took back to run on an idle worker (this worker skips it). */
export const STOLEN = 4;

/** What the initializer is, as every worker receives it in `workerData`. */
export interface InitSpec {
  readonly ref: TaskRef;
  /** `initargs`, with shared primitives encoded. */
  readonly args: readonly unknown[];
  /** Whether `args` holds shared-primitive descriptors. */
  readonly shared: boolean;
}

/** The key of the executor's data in `workerData`. */
export const WORKER_DATA_KEY = '__nogilThreadPool';

/** One piscina task: a batch of executor tasks. */
export interface BatchTask {
  readonly id: number;
  /** The distinct functions of the batch. */
  readonly fns: readonly TaskRef[];
  /** Per task: its function's index in `fns`. */
  readonly fnOf: readonly number[];
  /** Per task: its arguments (a map chunk: its items, one call each). */
  readonly args: ReadonlyArray<readonly unknown[]>;
  /**
   * Per task: 0 for one call; for a map chunk, how its items travel: CHUNK_LIST (`args[i]` is
   * the list of items), CHUNK_NUMBERS (a Float64Array of numbers) or CHUNK_TUPLES + k (a
   * Float64Array of k-number tuples, row after row; see packChunk).
   */
  readonly chunk: readonly number[];
  /** Whether some `args` hold shared-primitive descriptors (decode them first). */
  readonly shared: boolean;
  /** The slots (see SLOT_* and the task states). */
  readonly slots: SharedArrayBuffer;
}

/**
 * Outcomes the worker posts: flat triples `[index, ok, value]`, ok being OUTCOME_ERROR (the
 * value is a WireError), OUTCOME_VALUE, or OUTCOME_NUMBERS (a map chunk whose results were all
 * numbers, as one Float64Array: a memcpy each way where a clone walks 1000 values).
 */
export interface BatchOutcomes {
  readonly __nogilBatch: number;
  readonly out: readonly unknown[];
}

/** An outcome's `ok`: the task threw (see BatchOutcomes). */
export const OUTCOME_ERROR = 0;
/** An outcome's `ok`: the task's value, as it is. */
export const OUTCOME_VALUE = 1;
/** An outcome's `ok`: a map chunk's results, all numbers, packed into one Float64Array. */
export const OUTCOME_NUMBERS = 2;

/** What the piscina task resolves to. */
export interface BatchDone {
  /** Milliseconds the worker spent on the batch's tasks. */
  readonly ms: number;
  /** How many outcomes the worker posted. */
  readonly sent: number;
  /** How many calls it made (a chunk counts its items). */
  readonly calls: number;
  /** The initializer failed (a WireError): the pool is broken. */
  readonly init?: unknown;
  /**
   * The worker could not load its own code (thread-entry.cts): why, as `{ name, message,
   * stack }`. The pool is broken (every worker would fail the same way).
   */
  readonly load?: { readonly name: string; readonly message: string; readonly stack?: string | undefined };
}

/** `chunk[i]`: a map chunk whose items travel as they are. */
export const CHUNK_LIST = 1;
/** `chunk[i]`: a map chunk of numbers, packed into one Float64Array. */
export const CHUNK_NUMBERS = 2;
/** `chunk[i]` = CHUNK_TUPLES + k: a map chunk of k-number tuples, packed into one Float64Array. */
export const CHUNK_TUPLES = 3;

/**
 * Packs a map chunk whose items are all numbers, or all arrays of the same length k <= 16 that
 * hold only numbers (`map(gcd, pairs)`), into one Float64Array; `undefined` for any other chunk.
 * Why: the structured clone of 1000 small arrays costs ~250 ns per item on each side, a
 * Float64Array is one memcpy, and the worker rebuilds the same values (a Float64Array keeps
 * every number exactly, -0 and NaN included). A chunk in which one array appears twice is not
 * packed (a clone keeps the two references to one copy). What packing does not carry
 * (documented in docs/futures.md): named own properties set on a tuple array (a clone would copy
 * them; checking every tuple for them would cost more than the clone saves); and a Proxy of an
 * array is sent as its values (a clone refuses it).
 */
export function packChunk(items: readonly unknown[]): { kind: number; data: Float64Array } | undefined {
  const n = items.length;
  const first = items[0];
  if (typeof first === 'number') {
    const data = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const v = items[j];
      if (typeof v !== 'number') return undefined;
      data[j] = v;
    }
    return { kind: CHUNK_NUMBERS, data };
  }
  if (!Array.isArray(first)) return undefined;
  const k = first.length;
  if (k === 0 || k > 16) return undefined;
  const data = new Float64Array(n * k);
  for (let j = 0, at = 0; j < n; j++) {
    const tuple = items[j];
    if (!Array.isArray(tuple) || tuple.length !== k) return undefined;
    // (A hole reads as undefined and rules the chunk out, as any non-number does.)
    for (let c = 0; c < k; c++) {
      const v: unknown = tuple[c];
      if (typeof v !== 'number') return undefined;
      data[at++] = v;
    }
  }
  return repeatsATuple(items, data, k) ? undefined : { kind: CHUNK_TUPLES + k, data };
}

// The open-addressing table of repeatsATuple (row numbers, -1: free), reused across calls.
let rowTable = new Int32Array(0);
/** Probes beyond which repeatsATuple gives up on its table (many equal, distinct tuples). */
const MAX_PROBES = 64;
/** Chunks longer than this are checked with a Set (the table stays at most 256 KiB). */
const MAX_TABLE_ROWS = 16384;

/**
 * Whether one array appears twice among `items` (their rows already packed into `data`). Only
 * tuples with the same bits can be the same array, so rows are hashed by content into a typed
 * array and identity is compared only between equal rows: packing with this check costs ~12 ns
 * per pair, with a Set of the arrays ~28 (a tenth of map's time on the main thread). Many equal
 * but distinct tuples would make the probing quadratic: past MAX_PROBES the answer comes from a
 * Set. (Each tuple's values are read once, by the packing: an accessor tuple whose values change
 * between its two places in the chunk is not recognised; documented in docs/futures.md.)
 */
function repeatsATuple(items: readonly unknown[], data: Float64Array, k: number): boolean {
  const n = items.length;
  // (A huge chunk would keep a huge table alive: those are rare, and the Set is still linear.)
  if (n > MAX_TABLE_ROWS) return new Set(items).size !== n;
  const words = new Int32Array(data.buffer, data.byteOffset, 2 * n * k);
  // At most a quarter full: few probes (a probe is a branch the CPU guesses badly).
  let bits = 6;
  while (1 << bits < 4 * n) bits++;
  const size = 1 << bits;
  if (rowTable.length < size) rowTable = new Int32Array(size);
  const table = rowTable;
  table.fill(-1, 0, size);
  const mask = size - 1;
  const width = 2 * k;
  for (let j = 0; j < n; j++) {
    const row = j * width;
    // Multiplicative hashing of the row's 32-bit words; the slot is the top bits (the best mixed).
    let h = 0;
    for (let w = 0; w < width; w++) h = Math.imul((h ^ (h >>> 15)) + (words[row + w] as number), 0x9e3779b1);
    let slot = h >>> (32 - bits);
    for (let probes = 0; ; probes++) {
      const other = table[slot] as number;
      if (other < 0) break;
      if (probes === MAX_PROBES) return new Set(items).size !== n;
      let same = true;
      const at = other * width;
      for (let w = 0; w < width && same; w++) same = words[at + w] === words[row + w];
      if (same && items[other] === items[j]) return true;
      slot = (slot + 1) & mask;
    }
    table[slot] = j;
  }
  return false;
}

/** The items of a packed chunk (see packChunk), as fresh values. */
export function unpackChunk(kind: number, data: Float64Array): unknown[] {
  if (kind === CHUNK_NUMBERS) {
    const out: number[] = new Array(data.length);
    for (let j = 0; j < data.length; j++) out[j] = data[j] as number;
    return out;
  }
  const k = kind - CHUNK_TUPLES;
  const n = data.length / k;
  const out: number[][] = new Array(n);
  for (let j = 0, at = 0; j < n; j++) {
    const tuple: number[] = [];
    for (let c = 0; c < k; c++) tuple.push(data[at++] as number);
    out[j] = tuple;
  }
  return out;
}

/** Whether a worker message is a batch's outcomes. */
export function isOutcomes(message: unknown): message is BatchOutcomes {
  return message !== null && typeof message === 'object' && typeof (message as BatchOutcomes).__nogilBatch === 'number';
}

/**
 * Whether `value` is a primitive or an array of primitives: it holds no shared primitive, so
 * the walks of encodeShared/decodeShared can be skipped (the common case of task arguments,
 * map items and results).
 */
export function isPlain(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const x: unknown = value[i];
    if (x !== null && (typeof x === 'object' || typeof x === 'function')) return false;
  }
  return true;
}

/** `isPlain` for every element of a list (task arguments, a chunk's items). */
export function isPlainList(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) if (!isPlain(values[i])) return false;
  return true;
}
