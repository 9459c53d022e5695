// `nogil worker` processes for the distributed tests: started through the real CLI, ready once
// they print that they serve the queue, stopped with SIGTERM (or killed with SIGKILL).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/node-child.js';

/** The folder of the task fixtures the workers may import. */
export const allowedDir = join(repoRoot, 'test', 'fixtures', 'distributed', 'allowed');
/** The tasks module, as a `{ module }` path a worker resolves. */
export const tasksModule = join(allowedDir, 'tasks.mjs');
/** A module outside `allowedDir`. */
export const outsideModule = join(repoRoot, 'test', 'fixtures', 'distributed', 'outside.mjs');

/** A running worker process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  /** Resolves when it exits (code, signal). */
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** Starts `nogil worker` with `args` (after `worker`); resolves once it serves the queue. */
export async function startWorkerProcess(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'cli', 'main.js'), 'worker', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (code, signal) => resolve([code, signal])),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready:\n${stderr}`)), options.readyTimeoutMs ?? 20_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('serving queue')) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${stderr}`));
    });
  });
  return {
    child,
    pid: child.pid as number,
    log: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return (await exited)[0];
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Settle-once bookkeeping: counts how often each future's done callbacks fire. */
export function countSettles(futures: ReadonlyArray<{ addDoneCallback(fn: () => void): void }>): number[] {
  const counts = futures.map(() => 0);
  futures.forEach((f, i) => {
    f.addDoneCallback(() => {
      counts[i] = (counts[i] as number) + 1;
    });
  });
  return counts;
}
