// Starting the Python script: a temporary copy of PYTHON_SOURCE run by python3 in a process
// group of its own, so that stopping it (kill of the group) also stops its process-pool
// children, whatever signal reached this process.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTHON_SOURCE } from './python-source.js';

/** A running python3 on the script, and how to stop it and clean up. */
export interface PythonProcess {
  readonly child: ChildProcess;
  /** Kills the whole process group (python3 and its pool workers) and removes the script. */
  kill(): void;
  /** Resolves once python3 has exited. */
  readonly exited: Promise<void>;
}

/** The interpreter: `python3` from PATH (NOGIL_PYTHON overrides, for tests and odd setups). */
export function pythonCommand(): string {
  return process.env.NOGIL_PYTHON || 'python3';
}

/** Starts python3 on the script with `args`, stdio piped. */
export function startPython(args: string[]): PythonProcess {
  const dir = mkdtempSync(join(tmpdir(), 'nogil-python-'));
  const file = join(dir, 'nogil_tutorial.py');
  writeFileSync(file, PYTHON_SOURCE);
  const child = spawn(pythonCommand(), ['-u', file, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  const kill = () => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  void exited.then(() => rmSync(dir, { recursive: true, force: true }));
  return { child, kill, exited };
}
