// The shape every pool backend shares: one pool per worker count, started on its first run
// (the untimed warm-up) and reused by every workload; a cell times one batch on its pool.
import type { BackendName } from '../options.js';
import type { Workload } from '../workloads.js';
import type { Backend, CellSettings, Language } from './types.js';

/** What a pool backend supplies. */
export interface PoolDriver<P> {
  readonly name: BackendName;
  readonly language: Language;
  /** Loads what the backend needs: `null`, or why it cannot run here. */
  load(): Promise<string | null>;
  create(workers: number): P;
  /** Runs every task of `workload` on `pool`; resolves to the results in input order. */
  runAll(pool: P, workload: Workload): Promise<unknown[]>;
  /** Orderly: wait for the pool's workers to go. */
  close(pool: P): Promise<void>;
  /** At once: stop the workers (pending work is dropped). */
  kill(pool: P): void;
}

/** A Backend over a PoolDriver. */
export function pooledBackend<P>(driver: PoolDriver<P>, checksumOf: (results: unknown[]) => number): Backend {
  const pools = new Map<number, P>();
  const poolOf = (n: number): P => {
    let pool = pools.get(n);
    if (pool === undefined) {
      pool = driver.create(n);
      pools.set(n, pool);
    }
    return pool;
  };
  return {
    name: driver.name,
    open: () => driver.load(),
    cells(workload, workers, settings: CellSettings) {
      return workers.map((n) => ({
        backend: driver.name,
        family: driver.name,
        language: driver.language,
        workers: n,
        serial: false,
        workload,
        runs: settings.runs,
        warmup: settings.warmup,
        async run() {
          const pool = poolOf(n);
          const t = performance.now();
          const results = await driver.runAll(pool, workload);
          const ms = performance.now() - t;
          return { ms, checksum: checksumOf(results) };
        },
      }));
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => driver.close(pool)));
    },
    kill() {
      for (const pool of pools.values()) driver.kill(pool);
      pools.clear();
    },
  };
}
