// Ctrl-C: SIGINT (or SIGTERM) to a running `nogil bench` stops it with status 130 (143) and leaves no worker
// process, forked child, python3 or Python pool worker behind (checked through /proc).
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/node-child.js';
import { allProcesses, isAlive, type ProcInfo } from '../helpers/proc.js';
import { bin, executorBackends } from './cli-helpers.js';

/** Every live descendant of `pid` (children, their children, ...). */
function descendants(pid: number): ProcInfo[] {
  const all = allProcesses().filter((p) => p.state !== 'Z');
  const out: ProcInfo[] = [];
  const walk = (parent: number) => {
    for (const p of all) {
      if (p.ppid === parent) {
        out.push(p);
        walk(p.pid);
      }
    }
  };
  walk(pid);
  return out;
}

describe('nogil bench and SIGINT', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s stops every worker, child and Python process, exits %d',
    async (signal, status) => {
      const executors = (await executorBackends()).filter((b) => b !== 'native');
      const backends = ['fork', 'piscina', 'python', ...executors].join(',');
      const child = spawn(
        process.execPath,
        [
          bin,
          'bench',
          '--workload',
          'gcd',
          '--scale',
          '0.05',
          '--backends',
          backends,
          '--workers',
          '2',
          '--runs',
          '1000',
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      child.stdout.resume();
      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      const pid = child.pid as number;

      // Wait until everything is running: 2 forked children (+ 2 process-pool children when that
      // backend exists), python3, and python3's 2 process-pool workers.
      const wantedNode = 2 + (executors.includes('processes') ? 2 : 0);
      let seen: ProcInfo[] = [];
      for (let i = 0; i < 600; i++) {
        seen = descendants(pid);
        const node = seen.filter((p) => p.ppid === pid && p.comm.startsWith('node'));
        const python = seen.find((p) => p.ppid === pid && p.comm.startsWith('python'));
        const pythonWorkers = python ? seen.filter((p) => p.ppid === python.pid) : [];
        if (node.length >= wantedNode && python && pythonWorkers.length >= 2) break;
        await sleep(100);
      }
      const comms = seen.map((p) => p.comm).join(', ');
      expect(seen.filter((p) => p.comm.startsWith('python')).length, comms).toBeGreaterThanOrEqual(3);
      expect(seen.filter((p) => p.comm.startsWith('node')).length, comms).toBeGreaterThanOrEqual(wantedNode);

      child.kill(signal);
      expect(await exited).toBe(status);
      expect(stderr).toContain('nogil bench: interrupted; every worker, child process and Python process was stopped');
      // Allow a moment for the kernel to reap processes that were killed as the parent exited.
      for (let i = 0; i < 50 && seen.some((p) => isAlive(p.pid)); i++) await sleep(100);
      expect(seen.filter((p) => isAlive(p.pid)).map((p) => `${p.pid} ${p.comm}`)).toEqual([]);
    },
    90_000,
  );
});
