// Python's `subprocess.Popen` on Node's child_process: a started child with its pipes, polled,
// waited for, talked to and signalled the way Python does it, with Promises for the waiting.
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { watchAbort } from '../internal/abort.js';
import { ValueError } from '../internal/python-errors.js';
import { invalidArgValue, validateOptions } from '../internal/validate.js';
import { Communication } from './communicate.js';
import { abortError, MaxBufferError, type Output, TimeoutExpired } from './errors.js';
import { findProgramError } from './exec-check.js';
import { pyValueRepr } from './format.js';
import { linesOf } from './lines.js';
import {
  type Args,
  type PopenOptions,
  planSpawn,
  type SpawnPlan,
  validateInput,
  validateSignal,
  validateTimeout,
  type WaitOptions,
} from './options.js';
import { hideFromExitFlush, holdPipe, popenOutputs, spillHeldPipe } from './pipes.js';
import type { PopenOutput } from './result-types.js';
import { cwdError, namedSpawnError } from './shell.js';
import { killQuietly, returncodeOf, SIGKILL, signalNumber } from './signals.js';
import { inputBytes } from './text.js';
import { type LongTimer, setLongTimeout } from './timers.js';

/** Internal: kill the child (its process group with startNewSession) and reap it. */
export const kKillAndReap = Symbol('nogil.subprocess.killAndReap');
/** Internal: close every parent-side pipe (Python's `with` exit closes them). */
export const kClosePipes = Symbol('nogil.subprocess.closePipes');

/** Splits `(timeout?, options?)` or `({ timeout, signal })` into validated parts. */
function waitArguments(first: unknown, second: unknown): { timeout: number | null; signal: AbortSignal | undefined } {
  if (first !== null && typeof first === 'object') {
    const options = validateOptions(first as WaitOptions) as WaitOptions;
    return { timeout: validateTimeout(options.timeout), signal: validateSignal(options.signal, 'options.signal') };
  }
  const options = validateOptions(second as WaitOptions | undefined) as WaitOptions;
  return { timeout: validateTimeout(first), signal: validateSignal(options.signal, 'options.signal') };
}

/**
 * Python's `subprocess.Popen`: starts `args` as a child process at once.
 *
 * `stdin` / `stdout` / `stderr` are the parent's ends of the pipes asked for with `PIPE` (Node
 * streams of Buffers), else `null`. Output nobody reads stays in the OS pipe, as in Python, until
 * the child exits; then it moves into the stream's buffer and the pipe is closed (so
 * `await p.wait()` then `p.communicate()` loses nothing, and leaks no fd). A missing program
 * does not throw here: `pid` is `undefined`, `wait()` / `communicate()` reject with Node's
 * `ENOENT` error and `poll()` throws it.
 *
 * @example
 * const p = new Popen(['echo', 'Hello from the child!'], { stdout: PIPE });
 * const [out] = await p.communicate();
 * console.log(out.toString()); // Hello from the child!
 */
export class Popen<
  const O extends PopenOptions = PopenOptions,
  // What communicate() gives, computed from O. Separate parameters (only ever defaulted) keep
  // Popen covariant, so every Popen is assignable to the plain `Popen` type.
  Out extends Output | null = PopenOutput<O, 'stdout'>,
  Err extends Output | null = PopenOutput<O, 'stderr'>,
> {
  /** The command as given (a string or an argument list). */
  readonly args: Args;
  /** The child's process id (`undefined` when it could not be started). */
  readonly pid: number | undefined;
  /** The writable end of the child's stdin pipe, or null. */
  readonly stdin: Writable | null;
  /** The readable end of the child's stdout pipe, or null. */
  readonly stdout: Readable | null;
  /** The readable end of the child's stderr pipe, or null. */
  readonly stderr: Readable | null;

  readonly #encoding: BufferEncoding | null;
  readonly #newSession: boolean;
  readonly #exited: Promise<number>;
  #returncode: number | null = null;
  #spawnError: Error | null = null;
  #communication: Communication | null = null;
  /** Set once communicate() saw more than maxBuffer bytes: every later call rejects with it. */
  #overflowed: MaxBufferError | null = null;
  readonly #maxBuffer: number | null;
  readonly #killSignal: number;
  readonly #forceKillAfter: number | null;
  #result: [Output | null, Output | null] | null = null;

  /** Starts the child (Python's `Popen(args, ...)`); throws synchronously on invalid arguments. */
  constructor(args: Args, options?: O) {
    const plan = planSpawn(args, options);
    this.args = plan.args;
    this.#encoding = plan.encoding;
    this.#newSession = plan.detached;
    this.#maxBuffer = plan.maxBuffer;
    this.#killSignal = plan.killSignal;
    this.#forceKillAfter = plan.forceKillAfter;
    let settle!: { resolve: (code: number) => void; reject: (error: Error) => void };
    this.#exited = new Promise<number>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Rejections surface through wait()/communicate(); a Popen nobody awaits must not crash.
    this.#exited.catch(() => {});

    if (plan.preSpawnError) {
      this.pid = undefined;
      this.stdin = this.stdout = this.stderr = null;
      this.#fail(plan.preSpawnError, settle.reject);
      return;
    }
    let child: ChildProcess;
    try {
      child = spawnChild(plan);
    } catch (error) {
      // Node throws (instead of emitting 'error') for some errno failures, e.g. a cwd that is a
      // file (ENOTDIR): report them like every other failed start. Argument errors still throw.
      if (typeof (error as NodeJS.ErrnoException).errno !== 'number') throw error;
      this.pid = undefined;
      this.stdin = this.stdout = this.stderr = null;
      const argv = [plan.file, ...plan.fileArgs];
      this.#fail(cwdError(plan.cwd, argv) ?? namedSpawnError(error as Error, argv), settle.reject);
      return;
    }
    this.pid = child.pid;
    // A fed stdin is nogil's pipe, not one the caller asked for (Python: stdin is None).
    this.stdin = plan.feed ? null : child.stdin;
    this.stdout = child.stdout;
    this.stderr = child.stderr;

    const held: Readable[] = [];
    child.on('exit', (code, signal) => {
      this.#returncode = returncodeOf(code, signal);
      // Nobody read these yet: keep the output for a later reader but free the fds now.
      for (const stream of held) spillHeldPipe(stream);
      settle.resolve(this.#returncode);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      // Only a failed spawn ends here (kill() goes through process.kill, which throws).
      if (this.#returncode !== null || this.#spawnError) return;
      const better = error.code === 'ENOENT' ? cwdError(plan.cwd, [plan.file, ...plan.fileArgs]) : null;
      this.#fail(better ?? error, settle.reject);
    });

    // A write after the child exited fails with EPIPE: Python raises it from write(); a Node
    // stream without an 'error' listener would crash the process instead. write(cb) still sees it.
    this.stdin?.on('error', () => {});
    for (const stream of [this.stdout, this.stderr]) {
      if (!stream) continue;
      stream.on('error', () => {});
      popenOutputs.add(stream);
      if (holdPipe(stream)) held.push(stream);
    }
    hideFromExitFlush(child, held);
    if (this.stdin && this.#encoding) this.stdin.setDefaultEncoding(this.#encoding);
    if (child.pid === undefined) {
      // Node knows at once that the start failed but reports why only a tick later: reach the
      // same verdict now, so that poll() right after the constructor throws it (Python raises
      // from the constructor itself). Anything it cannot tell (e.g. EAGAIN) waits for Node.
      const argv = [plan.file, ...plan.fileArgs];
      const known = cwdError(plan.cwd, argv) ?? findProgramError(argv, plan.cwd, plan.env);
      if (known) this.#fail(known, settle.reject);
    } else {
      // The child has its own copy of each handed-over pipe now; closing ours lets the writer
      // get SIGPIPE when the reader exits (Python's documented `p1.stdout.close()`).
      for (const stream of plan.handoffs) stream.destroy();
      if (plan.feed && child.stdin) {
        // EPIPE when the child exits without reading everything is not an error (as for communicate).
        child.stdin.on('error', () => {});
        plan.feed.pipe(child.stdin);
      }
    }
  }

  /** Records a failed start: no process, every pipe closed, waiters rejected. */
  #fail(error: Error, reject: (error: Error) => void): void {
    this.#spawnError = error;
    this.stdin?.destroy();
    this.stdout?.destroy();
    this.stderr?.destroy();
    reject(error);
  }

  /** The exit status: `null` while running, `-N` when killed by signal N. */
  get returncode(): number | null {
    return this.#returncode;
  }

  /**
   * Python's `poll()`: the exit status if the child has exited, else `null`. Never blocks; the
   * exit is seen once the event loop has run (await something between polls).
   * @throws the spawn error (e.g. `ENOENT`) when the child could not be started.
   */
  poll(): number | null {
    if (this.#spawnError) throw this.#spawnError;
    return this.#returncode;
  }

  /**
   * Python's `wait(timeout)`: resolves to the exit status.
   * @param timeout - milliseconds; on expiry rejects with `TimeoutExpired` and leaves the child running
   * @param options - `{ signal }`: aborting kills and reaps the child and rejects with an AbortError
   * @example await p.wait(1000); await p.wait({ timeout: 1000, signal });
   */
  async wait(timeout?: number | null | WaitOptions, options?: WaitOptions): Promise<number> {
    const { timeout: ms, signal } = waitArguments(timeout, options);
    if (this.#returncode !== null && !signal?.aborted) return this.#returncode;
    return this.#guard(this.#exited, ms, signal, () => new TimeoutExpired(this.args, ms ?? 0));
  }

  /**
   * Python's `communicate(input, timeout)`: writes `input` to stdin and closes it, reads stdout
   * and stderr to EOF (concurrently: no pipe deadlock), waits for the exit, and resolves to
   * `[stdout, stderr]` (`null` for a stream that is not a pipe; strings in text mode).
   *
   * On `TimeoutExpired` (with the output so far) the child keeps running and a later call
   * returns everything. After completion, later calls return the same result again.
   * @param input - string or bytes for stdin (only on the first call; ignored without a stdin pipe)
   * @param timeout - milliseconds, or `{ timeout, signal }`
   * @param options - `{ signal }`: aborting kills and reaps the child and rejects with an AbortError
   * @example const [out, err] = await p.communicate('data', 5000);
   */
  async communicate(
    input?: string | ArrayBufferView | null,
    timeout?: number | null | WaitOptions,
    options?: WaitOptions,
  ): Promise<[Out, Err]> {
    const data = inputBytes(validateInput(input), this.#encoding);
    const { timeout: ms, signal } = waitArguments(timeout, options);
    if (this.#communication && data && data.length > 0) {
      throw new ValueError('Cannot send input after starting communication');
    }
    if (this.#result && !signal?.aborted) return this.#result as [Out, Err];
    if (this.#spawnError) throw this.#spawnError;
    if (this.#overflowed) throw this.#overflowed;
    this.#communication ??= new Communication(
      this.stdin,
      this.stdout,
      this.stderr,
      this.stdin ? data : null,
      this.#encoding,
      this.#maxBuffer,
    );
    const communication = this.#communication;
    communication.resume();
    const overflowed = communication.overflow.then((stream) => {
      this.#overflowed ??= new MaxBufferError(this.args, this.#maxBuffer ?? 0, stream, ...communication.capped());
    });
    try {
      await this.#guard(
        Promise.race([communication.done.then(() => this.#exited), overflowed]),
        ms,
        signal,
        () => new TimeoutExpired(this.args, ms ?? 0, ...communication.partial()),
      );
    } catch (error) {
      if (error instanceof TimeoutExpired) communication.pause();
      throw error;
    }
    if (this.#overflowed) {
      await this[kKillAndReap]();
      throw this.#overflowed;
    }
    this.#result ??= communication.result();
    return this.#result as [Out, Err];
  }

  /**
   * Python's `for line in p.stdout`: the lines of stdout (or `'stderr'`) as they arrive, decoded
   * with the Popen's encoding (UTF-8 in binary mode), without their line ending (`\n`, `\r\n`
   * or `\r`); a last line without a newline is included. Breaking out of the loop leaves the
   * pipe open, with what was read but not yet yielded put back into the stream (for a later
   * `communicate()`, say; for UTF-16 and other non-ASCII-compatible encodings it is dropped).
   * A Popen that could not start rejects the first step with its start error.
   * @throws TypeError (ERR_INVALID_ARG_VALUE) when that stream is not a pipe
   * @example
   * const p = new Popen(['ls', '-l'], { stdout: PIPE });
   * for await (const line of p.lines()) console.log(line);
   * await p.wait();
   */
  lines(stream: 'stdout' | 'stderr' = 'stdout'): AsyncGenerator<string, void, undefined> {
    if (stream !== 'stdout' && stream !== 'stderr')
      throw invalidArgValue('stream', stream, "must be 'stdout' or 'stderr'");
    if (this.#spawnError) return failedLines(this.#spawnError);
    const source = this[stream];
    if (!source) {
      throw invalidArgValue('stream', stream, `is not a pipe (start the Popen with ${stream}: PIPE)`);
    }
    return linesOf(source, this.#encoding ?? 'utf8');
  }

  /**
   * Python's `send_signal(sig)`: sends a signal by name (`'SIGINT'`) or number; does nothing
   * once the child has been reaped (so a recycled pid is never signalled).
   */
  sendSignal(sig: NodeJS.Signals | number): void {
    const num = signalNumber(sig);
    if (this.#returncode !== null || this.pid === undefined || this.#spawnError) return;
    // returncode is still null, so Node has not reaped the child: the pid is still ours.
    killQuietly(this.pid, num);
  }

  /** Python's `terminate()`: sends SIGTERM. */
  terminate(): void {
    this.sendSignal('SIGTERM');
  }

  /** Python's `kill()`: sends SIGKILL. */
  kill(): void {
    this.sendSignal('SIGKILL');
  }

  /**
   * Python's `with Popen(...) as p:` exit: closes stdout and stderr, closes stdin, and waits for
   * the child to exit (no zombie). Use `await using p = new Popen(...)` on Node 22+ / TypeScript.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.stdout?.destroy();
    this.stderr?.destroy();
    if (this.stdin && !this.stdin.destroyed && !this.stdin.writableEnded) this.stdin.end();
    // #exited only rejects for a child that never started: then there is nothing to wait for.
    await this.#exited.catch(() => {});
  }

  /** Python's repr: `<Popen: returncode: None args: ['ls', '-l']>`. */
  toString(): string {
    return `<Popen: returncode: ${this.#returncode ?? 'None'} args: ${pyValueRepr(this.args)}>`;
  }

  /**
   * Internal: kills the child (with its process group after startNewSession) with `killSignal`,
   * then SIGKILL after `forceKillAfter` if it still lives, and reaps it.
   */
  async [kKillAndReap](): Promise<void> {
    this.#killTree(this.#killSignal);
    let escalation: LongTimer | undefined;
    if (this.#killSignal !== SIGKILL && this.#forceKillAfter !== null && this.#returncode === null) {
      escalation = setLongTimeout(() => this.#killTree(SIGKILL), this.#forceKillAfter);
    }
    await this.#exited.catch(() => {});
    escalation?.clear();
  }

  /** Internal: destroys the parent's ends of every pipe (no fd outlives a `run`). */
  [kClosePipes](): void {
    this.stdin?.destroy();
    this.stdout?.destroy();
    this.stderr?.destroy();
  }

  /** Signals the child, and with startNewSession its whole process group (grandchildren too). */
  #killTree(num: number): void {
    if (this.pid === undefined || this.#spawnError) return;
    if (this.#newSession) killQuietly(-this.pid, num);
    if (this.#returncode === null) killQuietly(this.pid, num);
  }

  /**
   * Awaits `work` under a timeout (rejects with `onTimeout()`, child left running) and an
   * AbortSignal (kills and reaps the child, then rejects with an AbortError).
   */
  #guard<T>(work: Promise<T>, ms: number | null, signal: AbortSignal | undefined, onTimeout: () => Error): Promise<T> {
    if (ms === null && !signal) return work;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let timer: LongTimer | undefined;
      let unwatch: (() => void) | undefined;
      const finish = (): boolean => {
        if (settled) return false;
        settled = true;
        timer?.clear();
        unwatch?.();
        return true;
      };
      const onAbort = (): void => {
        if (!finish()) return;
        const error = abortError(signal!);
        this[kKillAndReap]().then(
          () => reject(error),
          () => reject(error),
        );
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      unwatch = signal ? watchAbort(signal, onAbort) : undefined;
      if (ms !== null) {
        timer = setLongTimeout(() => {
          if (finish()) reject(onTimeout());
        }, ms);
      }
      work.then(
        (value) => {
          if (finish()) resolve(value);
        },
        (error: unknown) => {
          if (finish()) reject(error);
        },
      );
    });
  }
}

/** The lines of a Popen that could not start: the first step rejects with the start error. */
// biome-ignore lint/correctness/useYield: it has nothing to yield, only the error to throw
async function* failedLines(error: Error): AsyncGenerator<string, void, undefined> {
  throw error;
}

/** Starts the planned child; synchronous failures other than Node's runtime errors throw. */
function spawnChild(plan: SpawnPlan): ChildProcess {
  return spawn(plan.file, plan.fileArgs, {
    cwd: plan.cwd,
    env: plan.env ?? process.env,
    stdio: plan.stdio as StdioOptions,
    detached: plan.detached,
    windowsHide: true,
  });
}
