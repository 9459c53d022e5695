// `fork`: the raw peer of `processes`: `workers` children of child_process.fork, one task per
// IPC message, each child taking the next task as soon as it answers. No nogil code involved.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checksumOf } from '../kernels.js';
import type { Args, Kernel, Workload } from '../workloads.js';
import { pooledBackend } from './pooled.js';
import type { Backend } from './types.js';

const workerFile = fileURLToPath(new URL('../workers/fork-worker.js', import.meta.url));

interface Reply {
  id: number;
  ok: boolean;
  value: unknown;
}

/** A minimal pool of forked children. */
class ForkPool {
  readonly #children: ChildProcess[];

  constructor(workers: number) {
    this.#children = Array.from({ length: workers }, () =>
      // execArgv: [] so flags of this process (--input-type, -e, inspector) are not inherited.
      fork(workerFile, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
    );
  }

  /** Runs every call, each child taking the next one when it is free; results in input order. */
  runAll(kernel: Kernel, calls: readonly Args[]): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const results = new Array<unknown>(calls.length);
      let next = 0;
      let done = 0;
      let failed = false;
      const cleanups: Array<() => void> = [];
      const finish = (error?: Error) => {
        if (failed) return;
        if (error) failed = true;
        for (const cleanup of cleanups) cleanup();
        if (error) reject(error);
        else resolve(results);
      };
      const feed = (child: ChildProcess) => {
        if (next < calls.length) {
          const id = next++;
          try {
            child.send({ id, kernel, args: calls[id] });
          } catch (error) {
            finish(error as Error); // the channel closed: the child died between runs
          }
        }
      };
      for (const child of this.#children) {
        const onMessage = (reply: Reply) => {
          if (!reply.ok) return finish(new Error(`fork worker failed: ${String(reply.value)}`));
          results[reply.id] = reply.value;
          if (++done === calls.length) return finish();
          feed(child);
        };
        const onExit = (code: number | null, signal: string | null) =>
          finish(new Error(`fork worker ${child.pid} exited (${signal ?? `code ${code}`})`));
        child.on('message', onMessage);
        child.on('exit', onExit);
        cleanups.push(() => {
          child.off('message', onMessage);
          child.off('exit', onExit);
        });
      }
      if (calls.length === 0) return finish();
      for (const child of this.#children) feed(child);
    });
  }

  /** Disconnects every child (they exit on disconnect) and waits for their exit. */
  async close(): Promise<void> {
    await Promise.all(
      this.#children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            if (child.connected) child.disconnect();
            else child.kill('SIGKILL');
          }),
      ),
    );
  }

  /** Kills every child at once. */
  kill(): void {
    for (const child of this.#children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** `fork`: a pool of `workers` forked Node children. */
export function forkBackend(): Backend {
  return pooledBackend<ForkPool>(
    {
      name: 'fork',
      language: 'js',
      load: async () => null,
      create: (workers) => new ForkPool(workers),
      runAll: (pool, workload: Workload) => pool.runAll(workload.kernel, workload.args),
      close: (pool) => pool.close(),
      kill: (pool) => pool.kill(),
    },
    checksumOf,
  );
}
