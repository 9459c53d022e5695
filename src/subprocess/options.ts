// Option types and their validation: turns Python-shaped options into a `SpawnPlan` for
// child_process, with Python's errors for Python's mistakes (ValueError) and Node's for Node's
// (TypeError ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE).
import type { StdioNull, StdioPipe } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { withCode } from '../internal/errors.js';
import { ValueError } from '../internal/python-errors.js';
import {
  invalidArgType,
  invalidArgValue,
  outOfRange,
  validateKnownKeys,
  validateOptions,
} from '../internal/validate.js';
import { DEVNULL, PIPE, STDOUT } from './constants.js';
import { findProgramError } from './exec-check.js';
import { execHelper } from './exec-helper.js';
import { fdOf, isSpilled, popenOutputs } from './pipes.js';
import { buildArgv, cwdError, mergeStderrArgv } from './shell.js';
import { SIGKILL, signalNumber } from './signals.js';
import { textEncoding } from './text.js';

/** A command: an argument list (`['ls', '-l']`), or with `shell: true` a shell command line. */
export type Args = string | readonly string[];

/** A stream with a file descriptor (a socket, pipe, another Popen's `stdout`) or `{ fd }`. */
export type StdioStream = Readable | Writable | { readonly fd: number };

/** `stdin` / `stdout`: `PIPE`, `DEVNULL`, a file descriptor, a stream, or `null` to inherit. */
export type StdioOption = typeof PIPE | typeof DEVNULL | number | StdioStream | null | undefined;

/** `stderr`: as `StdioOption`, or `STDOUT` to share the child's stdout fd. */
export type StderrOption = StdioOption | typeof STDOUT;

/** Options of `new Popen(args, options)` (Python's Popen keyword arguments, camelCased). */
export interface PopenOptions {
  /** The child's standard input (default: inherited). May be another Popen's `stdout`. */
  readonly stdin?: StdioOption;
  /** The child's standard output (default: inherited). */
  readonly stdout?: StdioOption;
  /** The child's standard error (default: inherited); `STDOUT` merges it into stdout. */
  readonly stderr?: StderrOption;
  /** The working directory of the child. */
  readonly cwd?: string | URL | null;
  /** The child's whole environment (replaces, not extends, `process.env`): an object or a Map. */
  readonly env?: Readonly<Record<string, string | undefined>> | ReadonlyMap<string, string | undefined> | null;
  /** Text mode: outputs are strings decoded as UTF-8 with universal newlines. */
  readonly text?: boolean | null;
  /** Text mode with this encoding (`'utf-8'`, `'latin-1'`, any Node encoding name). */
  readonly encoding?: string | null;
  /** Run `args` through `/bin/sh -c` (default false: arguments are never re-parsed). */
  readonly shell?: boolean | null;
  /** Run the child in a new session (`setsid()`), so it leads its own process group. */
  readonly startNewSession?: boolean | null;
  /**
   * Node extra (execa's option): the most bytes `communicate()` / `run` capture per stream;
   * more kills the child (with `killSignal`) and rejects with `MaxBufferError` carrying the
   * output up to the limit. Default: no limit (as Python).
   */
  readonly maxBuffer?: number | null;
  /**
   * Node extra: the signal that kills the child on a timeout (`run`, `call`, `checkOutput`), an
   * abort and `maxBuffer`. Default `'SIGKILL'` (as Python); with another signal, SIGKILL follows
   * after `forceKillAfter`.
   */
  readonly killSignal?: NodeJS.Signals | number | null;
  /**
   * Node extra: milliseconds between a `killSignal` other than SIGKILL and the SIGKILL that
   * follows if the child is still alive (execa's `forceKillAfterDelay`). Default 5000; `null` or
   * `Infinity`: never (then a child that ignores `killSignal` is waited for indefinitely).
   */
  readonly forceKillAfter?: number | null;
  /**
   * Node extra (Linux): the kernel kills the child (SIGKILL) when this process dies, even by
   * SIGKILL. The child is started through nogil's exec helper, which sets `PR_SET_PDEATHSIG` and
   * execs the program in place (same pid, same argv). In a worker thread, the child dies when
   * that thread exits (the kernel ties the signal to the thread that started it).
   */
  readonly dieWithParent?: boolean | null;
}

/** Options of `run` / `runSync` (Python's `run()` keyword arguments, camelCased). */
export interface RunOptions extends PopenOptions {
  /** Bytes or text written to the child's stdin, which is then closed. */
  readonly input?: string | ArrayBufferView | null;
  /** Capture stdout and stderr (`stdout: PIPE, stderr: PIPE`). */
  readonly captureOutput?: boolean | null;
  /** Milliseconds before the child is killed and `TimeoutExpired` is raised. */
  readonly timeout?: number | null;
  /** Raise `CalledProcessError` when the exit status is non-zero. */
  readonly check?: boolean | null;
  /** Cancels the run: the child is killed and reaped, the promise rejects with an AbortError. */
  readonly signal?: AbortSignal | null;
}

/** Options of `call` / `checkCall`: Popen's, plus `timeout` (ms) and `signal`. */
export interface CallOptions extends PopenOptions {
  /** Milliseconds before the child is killed and `TimeoutExpired` is raised. */
  readonly timeout?: number | null;
  /** Cancels the wait: the child is killed and reaped, the promise rejects with an AbortError. */
  readonly signal?: AbortSignal | null;
}

/** Options of `wait` / `communicate` given as an object. */
export interface WaitOptions {
  /** Milliseconds to wait before `TimeoutExpired` (the child is left running). */
  readonly timeout?: number | null;
  /** Cancels the wait: the child is killed and reaped, the promise rejects with an AbortError. */
  readonly signal?: AbortSignal | null;
}

/** The type of option `K` in `O`, or `undefined` when `O` has no such key. */
type OptionOf<O, K extends PropertyKey> = K extends keyof O ? O[K] : undefined;

/**
 * The output type an options object selects: `string` in text mode (`text: true`, or any
 * `encoding`), `Buffer` when neither is given, and `Buffer | string` when it cannot be known.
 *
 * Looked up by key, not by `O extends { text?: ... }`: an object type whose properties are all
 * optional is a "weak type", and `{ stdout: PIPE }` (no key in common) is not assignable to it.
 */
export type OutputOf<O> = [OptionOf<O, 'text'>] extends [true]
  ? string
  : [OptionOf<O, 'encoding'>] extends [string]
    ? string
    : [OptionOf<O, 'text'>] extends [false | null | undefined]
      ? [OptionOf<O, 'encoding'>] extends [null | undefined]
        ? Buffer
        : Buffer | string
      : Buffer | string;

export const POPEN_KEYS = [
  'stdin',
  'stdout',
  'stderr',
  'cwd',
  'env',
  'text',
  'encoding',
  'shell',
  'startNewSession',
  'maxBuffer',
  'killSignal',
  'forceKillAfter',
  'dieWithParent',
] as const;
export const RUN_KEYS = [...POPEN_KEYS, 'input', 'captureOutput', 'timeout', 'check', 'signal'] as const;
export const CALL_KEYS = [...POPEN_KEYS, 'timeout', 'signal'] as const;

/** One stdio entry as child_process takes it. */
export type NodeStdio = StdioPipe | StdioNull | number | StdioStream;

/** Everything needed to start the child, computed (and validated) before starting it. */
export interface SpawnPlan {
  /** `args` as the caller gave them (Python's `Popen.args`). */
  readonly args: Args;
  /** The program child_process runs, and its arguments. */
  readonly file: string;
  readonly fileArgs: string[];
  readonly cwd: string | undefined;
  readonly env: Record<string, string> | undefined;
  readonly detached: boolean;
  readonly stdio: [NodeStdio, NodeStdio, NodeStdio];
  /** The text-mode encoding, or null for bytes. */
  readonly encoding: BufferEncoding | null;
  /** Another Popen's output streams given as stdio: the parent's copies close after the spawn. */
  readonly handoffs: Readable[];
  /**
   * A spilled Popen output given as stdin (its child exited; see spillHeldPipe): the new child
   * gets a fresh pipe and this stream is piped into it, buffered part first.
   */
  readonly feed: Readable | null;
  /** A start error known before spawning (bad cwd, execve()'s verdict), shaped like Node's. */
  readonly preSpawnError: Error | null;
  /** The most bytes captured per stream, or null for no limit. */
  readonly maxBuffer: number | null;
  /** The signal (number) that kills the child on timeout, abort and maxBuffer. */
  readonly killSignal: number;
  /** Milliseconds before SIGKILL follows a killSignal that is not SIGKILL, or null for never. */
  readonly forceKillAfter: number | null;
}

/** The signal that kills on timeout/abort/maxBuffer: SIGKILL by default; 0 (no signal) is refused. */
function validateKillSignal(value: unknown): number {
  if (value === undefined || value === null) return SIGKILL;
  const num = signalNumber(value, 'options.killSignal');
  if (num === 0) throw invalidArgValue('options.killSignal', value, 'must be a signal that can end the child');
  return num;
}

/** A positive byte count, or null (no limit) for undefined, null and Infinity. */
function validateMaxBuffer(value: unknown): number | null {
  if (value === undefined || value === null || value === Number.POSITIVE_INFINITY) return null;
  if (typeof value !== 'number') throw invalidArgType('options.maxBuffer', 'of type number', value);
  if (!(value >= 0)) throw outOfRange('options.maxBuffer', '>= 0', value);
  return value;
}

/** An optional boolean (Python's flags also take None). */
export function optionalBoolean(value: unknown, name: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

/** Rejects NUL bytes (Python: `ValueError: embedded null byte`). */
function checkNul(value: string, name: string): void {
  if (value.includes('\0')) {
    throw withCode(
      new ValueError(`The ${name.includes('.') ? 'property' : 'argument'} '${name}' has an embedded null byte`),
      'ERR_INVALID_ARG_VALUE',
    );
  }
}

/** Validates `args` and returns a copy as Python keeps it (a string or an array). */
export function validateArgs(args: unknown): Args {
  if (typeof args === 'string') {
    checkNul(args, 'args');
    return args;
  }
  if (!Array.isArray(args)) throw invalidArgType('args', 'of type string or an array of strings', args);
  if (args.length === 0) {
    throw withCode(new ValueError("The argument 'args' must not be empty"), 'ERR_INVALID_ARG_VALUE');
  }
  const copy: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg: unknown = args[i];
    if (typeof arg !== 'string') throw invalidArgType(`args[${i}]`, 'of type string', arg);
    checkNul(arg, `args[${i}]`);
    copy.push(arg);
  }
  return Object.freeze(copy);
}

/**
 * A timeout in milliseconds: `null` (no limit) for undefined, null and Infinity; negative or NaN
 * is a `ValueError` (code ERR_OUT_OF_RANGE), as for every nogil timeout.
 */
export function validateTimeout(value: unknown, name = 'timeout'): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value) || value < 0) {
    throw withCode(
      new ValueError(`The value of "${name}" must be a non-negative number of milliseconds. Received ${value}`),
      'ERR_OUT_OF_RANGE',
    );
  }
  return value === Number.POSITIVE_INFINITY ? null : value;
}

/** An optional AbortSignal. */
export { optionalSignal as validateSignal } from '../internal/validate.js';

/** Python's `input`: a string, bytes-like, or null/undefined for none. */
export function validateInput(value: unknown, name = 'input'): string | Uint8Array | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', value);
}

function validateCwd(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  let cwd: string;
  if (typeof value === 'string') cwd = value;
  else if (value instanceof URL) cwd = fileURLToPath(value);
  else throw invalidArgType('options.cwd', 'of type string or an instance of URL', value);
  checkNul(cwd, 'options.cwd');
  return cwd;
}

function validateEnv(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType('options.env', 'of type object or an instance of Map', value);
  }
  // A Map has no own enumerable properties: read as an object it would be an empty environment.
  const entries: [unknown, unknown][] = value instanceof Map ? [...value] : Object.entries(value);
  const env: Record<string, string> = {};
  for (const [key, val] of entries) {
    if (typeof key !== 'string') throw invalidArgType('options.env key', 'of type string', key);
    if (val === undefined) continue;
    if (typeof val !== 'string') throw invalidArgType(`options.env.${key}`, 'of type string', val);
    if (key === '' || key.includes('=')) {
      throw withCode(new ValueError(`illegal environment variable name: '${key}'`), 'ERR_INVALID_ARG_VALUE');
    }
    checkNul(key, `options.env.${key}`);
    checkNul(val, `options.env.${key}`);
    env[key] = val;
  }
  return env;
}

/** Whether `value` is a live Readable-like object (for the spilled-stdin check). */
function isReadableObject(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}

/** One of stdin/stdout/stderr as child_process takes it ('stdout' marks stderr=STDOUT). */
function validateStdio(value: unknown, name: string, handoffs: Readable[]): NodeStdio | 'stdout' {
  if (value === undefined || value === null) return 'inherit';
  if (value === PIPE) return 'pipe';
  if (value === DEVNULL) return 'ignore';
  if (value === STDOUT) {
    if (name === 'options.stderr') return 'stdout';
    throw invalidArgValue(name, value, 'cannot be STDOUT (only stderr can)');
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw invalidArgValue(name, value, 'must be PIPE, DEVNULL, a file descriptor, a stream or null');
    }
    return value;
  }
  if (typeof value === 'object') {
    const stream = value as { destroyed?: boolean; _handle?: unknown; handle?: unknown };
    if (stream.destroyed === true) throw invalidArgValue(name, value, 'is a closed stream');
    if (stream._handle || stream.handle || fdOf(value) !== undefined) {
      if (popenOutputs.has(value as Readable)) handoffs.push(value as Readable);
      return value as StdioStream;
    }
    if (typeof (value as { pipe?: unknown }).pipe === 'function' || 'fd' in value) {
      // e.g. fs.createWriteStream() before its 'open' event: no descriptor to give the child yet.
      throw invalidArgValue(name, value, 'is a stream without a file descriptor (yet)');
    }
  }
  throw invalidArgValue(name, value, 'must be PIPE, DEVNULL, a file descriptor, a stream or null');
}

/** Validates Popen options (against `known` keys) and plans the spawn. */
export function planSpawn(rawArgs: unknown, rawOptions: unknown, known: readonly string[] = POPEN_KEYS): SpawnPlan {
  const options = validateOptions(rawOptions as PopenOptions | undefined) as Record<string, unknown>;
  validateKnownKeys(options, known);
  const args = validateArgs(rawArgs);
  const shell = optionalBoolean(options.shell, 'options.shell');
  const detached = optionalBoolean(options.startNewSession, 'options.startNewSession');
  const dieWithParent = optionalBoolean(options.dieWithParent, 'options.dieWithParent');
  const maxBuffer = validateMaxBuffer(options.maxBuffer);
  const killSignal = validateKillSignal(options.killSignal);
  const forceKillAfter =
    options.forceKillAfter === undefined ? 5000 : validateTimeout(options.forceKillAfter, 'options.forceKillAfter');
  const encoding = textEncoding(options.text, options.encoding);
  const cwd = validateCwd(options.cwd);
  const env = validateEnv(options.env);
  const handoffs: Readable[] = [];
  // Checked before validateStdio, which refuses a stream without an fd.
  const feed = isReadableObject(options.stdin) && isSpilled(options.stdin) ? options.stdin : null;
  const stdin = feed ? 'pipe' : (validateStdio(options.stdin, 'options.stdin', handoffs) as NodeStdio);
  const stdout = validateStdio(options.stdout, 'options.stdout', handoffs) as NodeStdio;
  let stderr = validateStdio(options.stderr, 'options.stderr', handoffs);
  let argv = buildArgv(args, shell);
  // execve()'s verdict before starting anything: libuv's execvp() would run a file without `#!`
  // through /bin/sh, and the stderr=STDOUT wrapper below would turn any exec failure into
  // status 127. Python raises FileNotFoundError / PermissionError / OSError(ENOEXEC) instead.
  let preSpawnError = cwdError(cwd, argv) ?? findProgramError(argv, cwd, env);
  if (stderr === 'stdout') {
    if (stdout === 'pipe') {
      // child_process cannot make one pipe the child's fd 1 and fd 2, and merging two pipes in
      // JS would reorder the output; so a tiny /bin/sh wrapper dup2()s 2>&1 and execs the
      // program in place (same pid, arguments untouched).
      argv = mergeStderrArgv(argv);
      stderr = 'ignore';
    } else if (stdout === 'inherit') {
      stderr = 1; // the child's stdout is ours, so its stderr goes to our fd 1 too
    } else {
      stderr = stdout; // DEVNULL, an fd or a stream: the same target
    }
  }
  if (dieWithParent) {
    // nogil-exec-helper <our pid> <argv...>: it sets PR_SET_PDEATHSIG, then execs argv in place.
    const helper = execHelper();
    if (typeof helper === 'string') argv = [helper, String(process.pid), ...argv];
    else preSpawnError ??= helper;
  }
  const [file, ...fileArgs] = argv as [string, ...string[]];
  return {
    args,
    file,
    fileArgs,
    cwd,
    env,
    detached,
    stdio: [stdin, stdout, stderr],
    encoding,
    handoffs,
    feed,
    preSpawnError,
    maxBuffer,
    killSignal,
    forceKillAfter,
  };
}
