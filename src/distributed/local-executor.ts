// The local executor a worker runs its tasks on, by backend: threads (ThreadPoolExecutor),
// processes (ProcessPoolExecutor) or native (NativePoolExecutor). Imported lazily, so that a
// worker loads only the backend it uses.
import { availableParallelism } from 'node:os';
import { invalidArgValue } from '../internal/validate.js';

/** The backends of `nogil worker --backend`. */
export const BACKENDS = ['threads', 'processes', 'native'] as const;
/** A worker's backend. */
export type WorkerBackend = (typeof BACKENDS)[number];

/** What a worker needs of an executor of nogil/futures. */
export interface LocalExecutor {
  submit(fn: unknown, ...args: unknown[]): PromiseLike<unknown>;
  map(fn: unknown, items: Iterable<unknown>, options?: { chunksize?: number }): AsyncIterable<unknown>;
  shutdown(options?: { wait?: boolean }): Promise<void>;
}

const CLASSES: Record<WorkerBackend, string> = {
  threads: 'ThreadPoolExecutor',
  processes: 'ProcessPoolExecutor',
  native: 'NativePoolExecutor',
};

/** A validated backend name. */
export function backendOf(value: unknown, name = 'options.backend'): WorkerBackend {
  if (value === undefined) return 'threads';
  if (!(BACKENDS as readonly unknown[]).includes(value)) {
    throw invalidArgValue(name, value, `must be one of ${BACKENDS.join(', ')}`);
  }
  return value as WorkerBackend;
}

/** A new local executor of `backend` with `maxWorkers` workers (default: the CPU count). */
export async function startLocalExecutor(
  backend: WorkerBackend,
  maxWorkers = availableParallelism(),
): Promise<LocalExecutor> {
  const futures = (await import('../futures/index.js')) as unknown as Record<
    string,
    (new (options: { maxWorkers: number }) => LocalExecutor) | undefined
  >;
  const Cls = futures[CLASSES[backend]];
  if (typeof Cls !== 'function')
    throw new Error(`this build of nogil has no ${CLASSES[backend]} (backend '${backend}')`);
  return new Cls({ maxWorkers });
}
