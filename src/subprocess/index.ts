/**
 * nogil/subprocess: Python's `subprocess` module for Node.js, on real processes.
 *
 * Python's names, camelCased (`check_output` -> `checkOutput`), Promises for everything that
 * waits, milliseconds for every timeout, `AbortSignal` to cancel, `Symbol.asyncDispose` for
 * `with Popen(...)`. See docs/subprocess.md.
 *
 * @module
 */

export { ValueError } from '../internal/python-errors.js';
export { CompletedProcess } from './completed-process.js';
export { DEVNULL, PIPE, STDOUT } from './constants.js';
export {
  CalledProcessError,
  type Cmd,
  MaxBufferError,
  type Output,
  SubprocessError,
  TimeoutExpired,
} from './errors.js';
export type {
  Args,
  CallOptions,
  OutputOf,
  PopenOptions,
  RunOptions,
  StderrOption,
  StdioOption,
  StdioStream,
  WaitOptions,
} from './options.js';
export { Popen } from './popen.js';
export type { IsPiped, PopenOutput, RunOutput, RunResult } from './result-types.js';
export {
  type CheckOutputOptions,
  call,
  checkCall,
  checkOutput,
  type GetOutputOptions,
  getoutput,
  getstatusoutput,
  run,
} from './run.js';
export { runSync } from './run-sync.js';
