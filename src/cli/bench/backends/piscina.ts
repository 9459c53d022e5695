// `piscina`: the established worker_threads pool, the raw peer of `threads`. One `run()` per
// task, the JS kernels in the worker. Imported only when this backend runs.
import type { Piscina as PiscinaPool } from 'piscina';
import { checksumOf } from '../kernels.js';
import { pooledBackend } from './pooled.js';
import { firstLine } from './serial.js';
import type { Backend } from './types.js';

const workerFile = new URL('../workers/piscina-worker.js', import.meta.url).href;

/** `piscina`: a Piscina pool of `workers` threads. */
export function piscinaBackend(): Backend {
  let Piscina: typeof PiscinaPool | undefined;
  return pooledBackend<PiscinaPool>(
    {
      name: 'piscina',
      language: 'js',
      async load() {
        try {
          Piscina = (await import('piscina')).Piscina;
          return null;
        } catch (error) {
          return `piscina is not installed (${firstLine(error)})`;
        }
      },
      create(workers) {
        if (!Piscina) throw new Error('piscina: load() first');
        return new Piscina({ filename: workerFile, minThreads: workers, maxThreads: workers, idleTimeout: 60_000 });
      },
      runAll: (pool, workload) => Promise.all(workload.args.map((args) => pool.run({ kernel: workload.kernel, args }))),
      close: (pool) => pool.destroy(),
      kill(pool) {
        void pool.destroy().catch(() => {});
      },
    },
    checksumOf,
  );
}
