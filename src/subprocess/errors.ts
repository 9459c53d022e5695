// Python's subprocess exception hierarchy (SubprocessError > CalledProcessError, TimeoutExpired)
// on nogil's branded errors, so `instanceof` also holds across package copies and for errors
// that crossed a worker or process boundary (see src/internal/errors.ts).
import { NogilError, registerError, withCode } from '../internal/errors.js';
import { formatCmd, signalName } from './format.js';

/** What a child wrote: a Buffer, or a string in text mode (`text` / `encoding`). */
export type Output = Buffer | string;

/** A command as Python stores it: the string or the argument list the caller gave. */
export type Cmd = string | readonly string[];

/**
 * Registers a nogil error class and names its prototype too (as `TypeError.prototype.name` is),
 * so an error revived from the wire form without an own `name` still reads as its class.
 */
function declare<C extends new (...args: never[]) => NogilError>(name: string, cls: C): void {
  registerError(name, cls);
  Object.defineProperty(cls.prototype, 'name', { value: name, enumerable: false, writable: true, configurable: true });
}

/** Python's `subprocess.SubprocessError`: the base class of this module's errors. */
export class SubprocessError extends NogilError {
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    if (this.code === undefined) withCode(this, 'ERR_SUBPROCESS');
  }
}
declare('SubprocessError', SubprocessError);

/** `stdout` as a read/write alias of `output`: Python's property on both error classes below. */
const stdoutAlias: PropertyDescriptor = {
  get(this: { output: Output | null }) {
    return this.output;
  },
  set(this: { output: Output | null }, value: Output | null) {
    this.output = value;
  },
  enumerable: false,
  configurable: true,
};

/** CPython's `CalledProcessError.__str__`, including its `died with <Signals.X: N>.` form. */
function calledMessage(returncode: number, cmd: Cmd): string {
  const shown = formatCmd(cmd);
  if (returncode < 0) {
    const name = signalName(-returncode);
    return name
      ? `Command '${shown}' died with <Signals.${name}: ${-returncode}>.`
      : `Command '${shown}' died with unknown signal ${-returncode}.`;
  }
  return `Command '${shown}' returned non-zero exit status ${returncode}.`;
}

/**
 * Python's `subprocess.CalledProcessError`: a process run with `check: true` (or through
 * `checkOutput` / `checkCall`) exited with a non-zero status.
 *
 * @example
 * try { await run(['false'], { check: true }); }
 * catch (e) { if (e instanceof CalledProcessError) console.log(e.returncode); } // 1
 */
export class CalledProcessError extends SubprocessError {
  /** The exit status: `-N` when the process was killed by signal N. */
  returncode: number;
  /** The command, as given (`args` of the process). */
  cmd: Cmd;
  /** The captured standard output, or `null` when it was not captured. */
  output: Output | null;
  /** The captured standard error, or `null` when it was not captured. */
  stderr: Output | null;

  /** Python's `CalledProcessError(returncode, cmd, output=None, stderr=None)`. */
  constructor(returncode: number, cmd: Cmd, output: Output | null = null, stderr: Output | null = null) {
    super(calledMessage(returncode, cmd));
    withCode(this, 'ERR_SUBPROCESS_CALLED_PROCESS');
    this.returncode = returncode;
    this.cmd = cmd;
    this.output = output;
    this.stderr = stderr;
  }

  /** Alias for `output`, as in Python (an accessor on the prototype, see `stdoutAlias`). */
  declare stdout: Output | null;
}
Object.defineProperty(CalledProcessError.prototype, 'stdout', stdoutAlias);
declare('CalledProcessError', CalledProcessError);

/**
 * Python's `subprocess.TimeoutExpired`: a timeout (in milliseconds) expired while waiting for a
 * child. From `Popen.wait` / `Popen.communicate` the child is left running; `run` kills it first.
 * `output` / `stderr` hold what was read so far, always as a Buffer (as Python documents: bytes
 * even in text mode), or `null` when nothing was read.
 */
export class TimeoutExpired extends SubprocessError {
  /** The command, as given. */
  cmd: Cmd;
  /** The timeout that expired, in milliseconds. */
  timeout: number;
  /** Standard output read before the timeout, or `null`. */
  output: Output | null;
  /** Standard error read before the timeout, or `null`. */
  stderr: Output | null;

  /** Python's `TimeoutExpired(cmd, timeout, output=None, stderr=None)`; `timeout` in milliseconds. */
  constructor(cmd: Cmd, timeout: number, output: Output | null = null, stderr: Output | null = null) {
    super(`Command '${formatCmd(cmd)}' timed out after ${timeout} milliseconds`);
    withCode(this, 'ERR_SUBPROCESS_TIMEOUT');
    this.cmd = cmd;
    this.timeout = timeout;
    this.output = output;
    this.stderr = stderr;
  }

  /** Alias for `output`, as in Python (an accessor on the prototype, see `stdoutAlias`). */
  declare stdout: Output | null;
}
Object.defineProperty(TimeoutExpired.prototype, 'stdout', stdoutAlias);
declare('TimeoutExpired', TimeoutExpired);

/**
 * Node extra (execa's name): the child wrote more than `maxBuffer` bytes to `stream`, so it was
 * killed (with `killSignal`) and reaped. `output` / `stderr` hold what was captured, each cut at
 * `maxBuffer` bytes (strings in text mode), or `null` for a stream that was not captured.
 *
 * @example
 * try { await run(['yes'], { stdout: PIPE, maxBuffer: 1024 }); }
 * catch (e) { if (e instanceof MaxBufferError) console.log(e.output.length); } // 1024
 */
export class MaxBufferError extends SubprocessError {
  /** The command, as given. */
  cmd: Cmd;
  /** The limit that was exceeded, in bytes. */
  maxBuffer: number;
  /** The stream that went over it. */
  stream: 'stdout' | 'stderr';
  /** Standard output captured (up to `maxBuffer` bytes), or `null`. */
  output: Output | null;
  /** Standard error captured (up to `maxBuffer` bytes), or `null`. */
  stderr: Output | null;

  /** `MaxBufferError(cmd, maxBuffer, stream, output, stderr)`. */
  constructor(
    cmd: Cmd,
    maxBuffer: number,
    stream: 'stdout' | 'stderr',
    output: Output | null = null,
    stderr: Output | null = null,
  ) {
    super(`Command '${formatCmd(cmd)}' wrote more than maxBuffer (${maxBuffer} bytes) to ${stream}`);
    withCode(this, 'ERR_SUBPROCESS_MAX_BUFFER');
    this.cmd = cmd;
    this.maxBuffer = maxBuffer;
    this.stream = stream;
    this.output = output;
    this.stderr = stderr;
  }

  /** Alias for `output`, as on the Python error classes. */
  declare stdout: Output | null;
}
Object.defineProperty(MaxBufferError.prototype, 'stdout', stdoutAlias);
declare('MaxBufferError', MaxBufferError);

/** The rejection of an aborted `run` / `wait` / `communicate` (Node's AbortError shape). */
export { abortError } from '../internal/abort.js';
