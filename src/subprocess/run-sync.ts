// Python's `subprocess.run` as a blocking call, on child_process.spawnSync: same options, same
// results and errors as `run` (minus cancellation: nothing can run while it blocks).
import {
  type SpawnSyncOptionsWithBufferEncoding,
  type SpawnSyncReturns,
  type StdioOptions,
  spawnSync,
} from 'node:child_process';
import type { Readable } from 'node:stream';
import { invalidArgValue } from '../internal/validate.js';
import { CompletedProcess } from './completed-process.js';
import { abortError, CalledProcessError, MaxBufferError, type Output, TimeoutExpired } from './errors.js';
import { type Args, type NodeStdio, planSpawn, type RunOptions, type SpawnPlan } from './options.js';
import { fdOf, isFullySpilled } from './pipes.js';
import type { RunResult } from './result-types.js';
import { prepareRun } from './run-options.js';
import { cwdError, namedSpawnError, spawnError } from './shell.js';
import { killQuietly, returncodeOf, SIGKILL } from './signals.js';
import { decodeOutput, inputBytes } from './text.js';

/** spawnSync takes no stream objects (Node aborts on them): pass their file descriptors. */
function syncStdio(entry: NodeStdio): NodeStdio {
  if (typeof entry !== 'object' || entry === null) return entry;
  const fd = fdOf(entry);
  if (fd === undefined) throw new TypeError('runSync needs streams with a file descriptor');
  return fd;
}

/** A spilled Popen output as the input of a blocking run: all of it, which must be buffered. */
function spilledInput(stream: Readable): Buffer {
  if (!isFullySpilled(stream)) {
    throw new TypeError('runSync cannot read a Popen output whose pipe is still open: use run() for it');
  }
  const data = stream.read() as Buffer | string | null;
  if (data === null) return Buffer.alloc(0);
  return typeof data === 'string' ? Buffer.from(data, stream.readableEncoding ?? 'utf8') : data;
}

/** spawnSync's ENOBUFS (it killed the child) as run's MaxBufferError, outputs cut at the limit. */
function maxBufferError(plan: SpawnPlan, result: SpawnSyncReturns<Buffer>): MaxBufferError {
  const limit = plan.maxBuffer ?? 0;
  const cut = (buf: Buffer | null | undefined, piped: boolean): Output | null => {
    if (!piped) return null;
    const bytes = Buffer.from((buf ?? Buffer.alloc(0)).subarray(0, limit));
    return plan.encoding ? decodeOutput(bytes, plan.encoding) : bytes;
  };
  const stream = (result.stdout?.length ?? 0) > limit ? 'stdout' : 'stderr';
  if (plan.detached && result.pid) killQuietly(-result.pid, SIGKILL);
  return new MaxBufferError(
    plan.args,
    limit,
    stream,
    cut(result.stdout, plan.stdio[1] === 'pipe'),
    cut(result.stderr, plan.stdio[2] === 'pipe'),
  );
}

/** Python's partial output: the bytes so far, or null when none. */
function nonEmpty(data: Buffer | null | undefined): Buffer | null {
  return data && data.length > 0 ? data : null;
}

/**
 * Python's `subprocess.run`, blocking (on `child_process.spawnSync`): same options and results
 * as `run`. A `signal` is only checked before starting (nothing can abort a blocking call).
 * @example const cp = runSync(['echo', 'hi'], { captureOutput: true, text: true }); // cp.stdout === 'hi\n'
 */
export function runSync<const O extends RunOptions = {}>(args: Args, options?: O): RunResult<O> {
  const { popenOptions, input, timeout, check, signal } = prepareRun(options);
  if (signal?.aborted) throw abortError(signal);
  const plan = planSpawn(args, popenOptions);
  if (plan.killSignal !== SIGKILL) {
    // spawnSync sends killSignal once and then blocks until the exit: no SIGKILL could follow.
    throw invalidArgValue(
      'options.killSignal',
      options?.killSignal,
      'must be SIGKILL in runSync (use run to escalate)',
    );
  }
  if (plan.preSpawnError) throw plan.preSpawnError;
  const stdio = plan.stdio.map(syncStdio) as StdioOptions;
  const data = plan.feed ? spilledInput(plan.feed) : inputBytes(input, plan.encoding);
  const result: SpawnSyncReturns<Buffer> = spawnSync(plan.file, plan.fileArgs, {
    cwd: plan.cwd,
    env: plan.env ?? process.env,
    stdio,
    input: data ?? undefined,
    // spawnSync treats 0 as "no timeout" and wants whole milliseconds.
    timeout: timeout === null ? undefined : Math.max(1, Math.ceil(timeout)),
    killSignal: 'SIGKILL',
    maxBuffer: plan.maxBuffer ?? Number.POSITIVE_INFINITY,
    detached: plan.detached,
    windowsHide: true,
  } as SpawnSyncOptionsWithBufferEncoding);
  for (const stream of plan.handoffs) stream.destroy();
  const error = result.error as NodeJS.ErrnoException | undefined;
  if (error) {
    if (error.code === 'ENOBUFS' && plan.maxBuffer !== null) throw maxBufferError(plan, result);
    if (error.code === 'ETIMEDOUT') {
      if (plan.detached && result.pid) killQuietly(-result.pid, SIGKILL);
      throw new TimeoutExpired(plan.args, timeout ?? 0, nonEmpty(result.stdout), nonEmpty(result.stderr));
    }
    const argv = [plan.file, ...plan.fileArgs];
    const badCwd = error.code === 'ENOENT' || error.code === 'ENOTDIR' ? cwdError(plan.cwd, argv) : null;
    if (badCwd) throw badCwd;
    // The same error as `run` gives (`spawn prog ENOENT`, not Node's `spawnSync prog ENOENT`).
    if (error.code === 'ENOENT' || error.code === 'EACCES') throw spawnError(error.code, argv);
    throw namedSpawnError(error, argv);
  }
  const decode = (buf: Buffer | null | undefined): Output | null => {
    if (buf === null || buf === undefined) return null;
    return plan.encoding ? decodeOutput(buf, plan.encoding) : buf;
  };
  const returncode = returncodeOf(result.status, result.signal);
  const stdout = plan.stdio[1] === 'pipe' ? decode(result.stdout) : null;
  const stderr = plan.stdio[2] === 'pipe' ? decode(result.stderr) : null;
  if (check && returncode) throw new CalledProcessError(returncode, plan.args, stdout, stderr);
  return new CompletedProcess<Output>(plan.args, returncode, stdout, stderr) as RunResult<O>;
}
