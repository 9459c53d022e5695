// Python's high-level helpers: run, checkOutput, call, checkCall, getstatusoutput, getoutput.
// Each is Popen + communicate/wait with Python's clean-up: on any failure the child is killed
// and reaped, and every pipe is closed (no zombie, no leaked fd).
import { ValueError } from '../internal/python-errors.js';
import { validateKnownKeys, validateOptions } from '../internal/validate.js';
import { CompletedProcess } from './completed-process.js';
import { PIPE, STDOUT } from './constants.js';
import { abortError, CalledProcessError, type Output } from './errors.js';
import {
  type Args,
  CALL_KEYS,
  type CallOptions,
  type OutputOf,
  type RunOptions,
  validateSignal,
  validateTimeout,
} from './options.js';
import { kClosePipes, kKillAndReap, Popen } from './popen.js';
import type { RunResult } from './result-types.js';
import { prepareRun } from './run-options.js';
import { textEncoding } from './text.js';

/** Options of `checkOutput`: run's, less `stdout` and `check` (which it sets). */
export type CheckOutputOptions = Omit<RunOptions, 'stdout' | 'check'>;

/** Options of `getoutput` / `getstatusoutput`. */
export interface GetOutputOptions {
  /** The encoding of the output (default UTF-8). */
  readonly encoding?: string | null;
}

/**
 * Python's `subprocess.run`: runs `args`, waits for it, resolves to a `CompletedProcess`.
 *
 * `timeout` (ms) or an aborted `signal` kill the child (its whole process group with
 * `startNewSession`), reap it, and reject with `TimeoutExpired` / an AbortError.
 * The result's `stdout` / `stderr` are typed by the options: `string` with `captureOutput: true,
 * text: true`, `Buffer` for `stdout: PIPE`, `null` where nothing was captured.
 * @example
 * const { stdout } = await run(['echo', 'hi'], { captureOutput: true, text: true }); // 'hi\n' (a string)
 * await run(['false'], { check: true }); // rejects with CalledProcessError (returncode 1)
 */
export async function run<const O extends RunOptions = {}>(args: Args, options?: O): Promise<RunResult<O>> {
  const { popenOptions, input, timeout, check, signal } = prepareRun(options);
  if (signal?.aborted) throw abortError(signal);
  const proc = new Popen(args, popenOptions);
  let stdout: Output | null;
  let stderr: Output | null;
  try {
    [stdout, stderr] = await proc.communicate(input, { timeout, signal });
  } catch (error) {
    await proc[kKillAndReap]();
    throw error;
  } finally {
    proc[kClosePipes]();
  }
  const returncode = proc.returncode ?? 0;
  if (check && returncode) throw new CalledProcessError(returncode, proc.args, stdout, stderr);
  return new CompletedProcess<Output>(proc.args, returncode, stdout, stderr) as RunResult<O>;
}

/**
 * Python's `subprocess.check_output`: runs `args` with stdout captured and `check: true`;
 * resolves to the output.
 * @example const out = await checkOutput(['echo', 'hi'], { text: true }); // 'hi\n'
 */
export async function checkOutput<const O extends CheckOutputOptions = {}>(
  args: Args,
  options?: O,
): Promise<OutputOf<O>> {
  const opts = validateOptions(options as CheckOutputOptions | undefined) as Record<string, unknown>;
  for (const key of ['stdout', 'check']) {
    if (key in opts) throw new ValueError(`${key} argument not allowed, it will be overridden.`);
  }
  const extra: Record<string, unknown> = {};
  // Python: an explicit `input=None` means "no input", not "inherit our stdin".
  if ('input' in opts && (opts.input === undefined || opts.input === null)) {
    extra.input = textEncoding(opts.text, opts.encoding) ? '' : Buffer.alloc(0);
  }
  const completed = await run(args, { ...opts, ...extra, stdout: PIPE, check: true } as RunOptions);
  return completed.stdout as OutputOf<O>;
}

/**
 * Python's `subprocess.call`: runs `args` and resolves to its exit status. A `timeout` (ms) or
 * an aborted `signal` kill and reap the child, then reject.
 * @example const status = await call(['sh', '-c', 'exit 3']); // 3
 */
export async function call(args: Args, options?: CallOptions): Promise<number> {
  const opts = validateOptions(options) as Record<string, unknown>;
  validateKnownKeys(opts, CALL_KEYS);
  const { timeout, signal, ...popenOptions } = opts;
  const ms = validateTimeout(timeout, 'options.timeout');
  const abort = validateSignal(signal, 'options.signal');
  if (abort?.aborted) throw abortError(abort);
  const proc = new Popen(args, popenOptions);
  try {
    return await proc.wait({ timeout: ms, signal: abort });
  } catch (error) {
    await proc[kKillAndReap]();
    throw error;
  } finally {
    proc[kClosePipes]();
  }
}

/**
 * Python's `subprocess.check_call`: like `call`, but a non-zero status rejects with
 * `CalledProcessError`; resolves to 0.
 */
export async function checkCall(args: Args, options?: CallOptions): Promise<0> {
  const returncode = await call(args, options);
  if (returncode) throw new CalledProcessError(returncode, args);
  return 0;
}

/**
 * Python's `subprocess.getstatusoutput`: runs `cmd` through the shell with stderr merged into
 * stdout; resolves to `[status, output]` with one trailing newline removed.
 * @example await getstatusoutput('exit 3'); // [3, '']
 */
export async function getstatusoutput(cmd: Args, options?: GetOutputOptions): Promise<[number, string]> {
  const opts = validateOptions(options) as Record<string, unknown>;
  validateKnownKeys(opts, ['encoding']);
  let status = 0;
  let data: string;
  try {
    data = await checkOutput(cmd, {
      shell: true,
      text: true,
      stderr: STDOUT,
      encoding: opts.encoding as string | null,
    });
  } catch (error) {
    if (!(error instanceof CalledProcessError)) throw error;
    status = error.returncode;
    data = String(error.output ?? '');
  }
  if (data.endsWith('\n')) data = data.slice(0, -1);
  return [status, data];
}

/**
 * Python's `subprocess.getoutput`: the output of `cmd` run through the shell (stderr merged),
 * with one trailing newline removed.
 * @example await getoutput('echo hi'); // 'hi'
 */
export async function getoutput(cmd: Args, options?: GetOutputOptions): Promise<string> {
  return (await getstatusoutput(cmd, options))[1];
}
