// The nogil executors as backends: `native` (NativePoolExecutor, Rust OS threads running the
// native kernels), `threads` (ThreadPoolExecutor) and `processes` (ProcessPoolExecutor), both
// running the plain-JS kernels of ../kernels.ts by `{ module, name }`. Each calls `map`, as the
// tutorial does. nogil/futures is imported only when one of these runs.
import { checksumOf } from '../kernels.js';
import type { Kernel, Workload } from '../workloads.js';
import { type PoolDriver, pooledBackend } from './pooled.js';
import { firstLine } from './serial.js';
import type { Backend } from './types.js';

/** The part of the Executor surface (API.md, nogil/futures) the bench uses. */
interface ExecutorLike {
  map(fn: unknown, items: Iterable<unknown>): AsyncIterable<unknown>;
  shutdown(options?: { wait?: boolean; cancelFutures?: boolean }): Promise<void>;
  /** Thread and process pools: stop every worker now (may return a Promise). */
  killWorkers?(): unknown;
  terminateWorkers?(): unknown;
}
type ExecutorClass = new (options: { maxWorkers: number }) => ExecutorLike;

const kernelsModule = new URL('../kernels.js', import.meta.url).href;
const TASK_EXPORT: Record<Kernel, string> = {
  bruteGcd: 'bruteGcd',
  gcd: 'gcd',
  factorize: 'factorize',
  sleep: 'sleepTask',
};

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

function executorBackend(
  name: 'native' | 'threads' | 'processes',
  className: 'NativePoolExecutor' | 'ThreadPoolExecutor' | 'ProcessPoolExecutor',
  fnOf: (workload: Workload) => unknown,
): Backend {
  let Executor: ExecutorClass | undefined;
  const driver: PoolDriver<ExecutorLike> = {
    name,
    language: name === 'native' ? 'native' : 'js',
    async load() {
      if (name === 'native') {
        const native = await import('../../../native/index.js');
        if (!native.nativeAvailable()) return `the native addon did not load (${firstLine(native.nativeLoadError())})`;
      }
      const futures = (await import('../../../futures/index.js')) as unknown as Record<string, unknown>;
      const cls = futures[className];
      if (typeof cls !== 'function') return `${className} is not in this build of nogil/futures`;
      Executor = cls as ExecutorClass;
      return null;
    },
    create(workers) {
      if (!Executor) throw new Error(`${name}: load() first`);
      return new Executor({ maxWorkers: workers });
    },
    runAll: (executor, workload) => collect(executor.map(fnOf(workload), workload.args)),
    close: (executor) => executor.shutdown({ wait: true, cancelFutures: true }),
    kill(executor) {
      // Running futures fail with Broken* here: nobody waits for them any more.
      const stopped = executor.killWorkers
        ? executor.killWorkers()
        : executor.terminateWorkers
          ? executor.terminateWorkers()
          : executor.shutdown({ wait: false, cancelFutures: true });
      void Promise.resolve(stopped).catch(() => {});
    },
  };
  return pooledBackend(driver, checksumOf);
}

/** `native`: NativePoolExecutor running the native kernels (argument tuples spread). */
export const nativeBackend = () => executorBackend('native', 'NativePoolExecutor', (w) => w.kernel);
/** `threads`: ThreadPoolExecutor running the JS kernels on worker_threads. */
export const threadsBackend = () =>
  executorBackend('threads', 'ThreadPoolExecutor', (w) => ({ module: kernelsModule, name: TASK_EXPORT[w.kernel] }));
/** `processes`: ProcessPoolExecutor running the JS kernels in child processes. */
export const processesBackend = () =>
  executorBackend('processes', 'ProcessPoolExecutor', (w) => ({ module: kernelsModule, name: TASK_EXPORT[w.kernel] }));
