// Python's `subprocess.CompletedProcess`: the value `run` / `runSync` resolve to.
import { CalledProcessError, type Cmd, type Output } from './errors.js';
import { pyValueRepr } from './format.js';

/**
 * Python's `subprocess.CompletedProcess`: a finished process's `args`, `returncode`, and its
 * captured `stdout` / `stderr` (`null` when not captured; strings in text mode).
 *
 * `T` is the output type (Buffer or string); `Out` / `Err` are the types of `stdout` / `stderr`,
 * which `run` narrows to `T` for a captured stream and `null` for one that was not.
 *
 * @example
 * const cp = await run(['ls', '-l'], { captureOutput: true, text: true });
 * cp.checkReturncode(); // throws CalledProcessError when returncode != 0
 */
export class CompletedProcess<
  T extends Output = Output,
  Out extends T | null = T | null,
  Err extends T | null = T | null,
> {
  /** The command as given. */
  args: Cmd;
  /** The exit status: `-N` when the process was killed by signal N. */
  returncode: number;
  /** The captured standard output, or `null`. */
  stdout: Out;
  /** The captured standard error, or `null`. */
  stderr: Err;

  /** Python's `CompletedProcess(args, returncode, stdout=None, stderr=None)`. */
  constructor(args: Cmd, returncode: number, stdout: Out = null as Out, stderr: Err = null as Err) {
    this.args = args;
    this.returncode = returncode;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Python's `check_returncode()`: throws `CalledProcessError` if `returncode` is non-zero. */
  checkReturncode(): void {
    if (this.returncode) throw new CalledProcessError(this.returncode, this.args, this.stdout, this.stderr);
  }

  /** Python's repr: `CompletedProcess(args=['ls'], returncode=0, stdout=b'...')`. */
  toString(): string {
    const parts = [`args=${pyValueRepr(this.args)}`, `returncode=${this.returncode}`];
    if (this.stdout !== null) parts.push(`stdout=${pyValueRepr(this.stdout)}`);
    if (this.stderr !== null) parts.push(`stderr=${pyValueRepr(this.stderr)}`);
    return `CompletedProcess(${parts.join(', ')})`;
  }
}
