// `python`: the tutorial's own Python code under python3 from PATH: serially
// (`python-serial`), on ThreadPoolExecutor(n) (`python-threads`) and on ProcessPoolExecutor(n)
// (`python-processes`). Python times its own runs (time.perf_counter around the map), so the
// JSON-lines round trip to this process is not in the figures.
import { createInterface } from 'node:readline';
import type { Workload } from '../workloads.js';
import { type PythonProcess, pythonCommand, startPython } from './python-process.js';
import type { Backend, Cell, CellSettings, RunResult } from './types.js';

type Reply = { ok: true; [key: string]: unknown } | { ok: false; error: string };

/** The JSON-lines conversation with the script (one request at a time, in order). */
class PythonServer {
  readonly #proc: PythonProcess;
  readonly #waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  #stderr = '';
  #gone: Error | undefined;

  constructor() {
    this.#proc = startPython([]);
    const { child } = this.#proc;
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.#stderr = (this.#stderr + d).slice(-2000);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const waiter = this.#waiting.shift();
      try {
        waiter?.resolve(JSON.parse(line) as Reply);
      } catch {
        waiter?.reject(new Error(`python3 said: ${line.slice(0, 200)}`));
      }
    });
    const fail = (error: Error) => {
      this.#gone = error;
      for (const w of this.#waiting.splice(0)) w.reject(error);
    };
    child.once('error', (e) => fail(e));
    child.once('exit', (code, signal) => {
      const why = this.#stderr.trim().split('\n').pop() ?? '';
      fail(new Error(`python3 exited (${signal ?? `code ${code}`})${why ? `: ${why}` : ''}`));
    });
    child.stdin?.on('error', () => {}); // EPIPE after an exit: reported through 'exit'
  }

  /** Sends one request; resolves to its reply (rejects on an error reply or an exit). */
  request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.#gone) return Promise.reject(this.#gone);
    return new Promise((resolve, reject) => {
      this.#waiting.push({
        resolve: (r) => (r.ok ? resolve(r) : reject(new Error(`python: ${r.error}`))),
        reject,
      });
      this.#proc.child.stdin?.write(`${JSON.stringify(body)}\n`);
    });
  }

  /** Asks the script to shut its pools down and exit; kills the group if it takes over 5 s. */
  async close(): Promise<void> {
    if (!this.#gone) this.#proc.child.stdin?.end(`${JSON.stringify({ op: 'quit' })}\n`);
    const timer = setTimeout(() => this.#proc.kill(), 5000);
    await this.#proc.exited;
    clearTimeout(timer);
    this.#proc.kill(); // any pool worker left in the group
  }

  kill(): void {
    this.#proc.kill();
  }
}

/** What the python backend learnt when it started. */
export interface PythonInfo {
  readonly version: string;
  readonly nsPerIteration: number;
}

/** The `python` backend. `info()` is set once `open()` succeeded. */
export function pythonBackend(): Backend & { info(): PythonInfo | undefined } {
  let server: PythonServer | undefined;
  let info: PythonInfo | undefined;
  const loaded = new Set<string>();
  const load = async (workload: Workload) => {
    if (!server) throw new Error('python: open() first');
    if (loaded.has(workload.key)) return server;
    await server.request({ op: 'load', key: workload.key, kernel: workload.kernel, args: workload.pythonArgs });
    loaded.add(workload.key);
    return server;
  };
  const cell = (
    workload: Workload,
    mode: 'serial' | 'threads' | 'processes',
    workers: number,
    s: CellSettings,
  ): Cell => ({
    backend: `python-${mode}`,
    family: 'python',
    language: 'python',
    workers,
    serial: mode === 'serial',
    workload,
    runs: s.pythonRuns,
    warmup: s.pythonWarmup,
    async run(): Promise<RunResult> {
      const timeEach = mode === 'serial' && s.pythonTimeEach;
      const reply = await (await load(workload)).request({ op: 'run', key: workload.key, mode, workers, timeEach });
      return {
        ms: reply.ms as number,
        checksum: reply.checksum as number,
        ...(timeEach ? { perTaskMs: reply.perTaskMs as number[] } : {}),
      };
    },
    ...(mode === 'serial' && !s.pythonTimeEach
      ? {
          async perTaskMs() {
            const reply = await (await load(workload)).request({ op: 'pertask', key: workload.key });
            return reply.ms as number[];
          },
        }
      : {}),
  });
  return {
    name: 'python',
    info: () => info,
    async open() {
      server = new PythonServer();
      try {
        const hello = await server.request({ op: 'hello' });
        const calibration = await server.request({ op: 'calibrate' });
        info = { version: String(hello.version), nsPerIteration: calibration.nsPerIteration as number };
        return null;
      } catch (error) {
        const s = server;
        server = undefined;
        s.kill();
        const code = (error as NodeJS.ErrnoException).code;
        return code === 'ENOENT'
          ? `${pythonCommand()} is not on PATH`
          : `${pythonCommand()} failed: ${(error as Error).message}`;
      }
    },
    cells(workload, workers, settings) {
      const out = [cell(workload, 'serial', 1, settings)];
      for (const n of workers) out.push(cell(workload, 'threads', n, settings));
      for (const n of workers) out.push(cell(workload, 'processes', n, settings));
      return out;
    },
    async close() {
      const s = server;
      server = undefined;
      await s?.close();
    },
    kill() {
      server?.kill();
    },
  };
}
