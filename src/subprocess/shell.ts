// The argv that actually runs: Python's `shell=True` (/bin/sh -c), the stderr=STDOUT wrapper,
// and Node-shaped spawn errors (the program lookup itself is exec-check.ts).
import { statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { Args } from './options.js';

/** The shell of `shell: true`, as in Python on POSIX. */
export const SHELL = '/bin/sh';

/**
 * Makes the child's stderr a dup of its stdout (one fd, so one ordering), then replaces the
 * shell by the program: `"$@"` passes every argument through verbatim, never re-parsed.
 */
const MERGE_SCRIPT = 'exec 2>&1; exec "$@"';

/** Python's argv: a string is one program name, unless `shell` makes it `sh -c` script. */
export function buildArgv(args: Args, shell: boolean): string[] {
  const list = typeof args === 'string' ? [args] : [...args];
  return shell ? [SHELL, '-c', ...list] : list;
}

/** Wraps `argv` so the program runs with stderr sent to its stdout fd. */
export function mergeStderrArgv(argv: readonly string[]): string[] {
  return [SHELL, '-c', MERGE_SCRIPT, SHELL, ...argv];
}

/** An error shaped like Node's spawn errors (`spawn nope ENOENT`, errno, syscall, path, spawnargs). */
export function spawnError(
  code: 'ENOENT' | 'EACCES' | 'ENOTDIR' | 'ENOEXEC' | 'ELOOP' | 'E2BIG',
  argv: readonly string[],
  details?: { path?: string; message?: string },
): NodeJS.ErrnoException {
  const file = argv[0] ?? '';
  const error = new Error(details?.message ?? `spawn ${file} ${code}`) as NodeJS.ErrnoException & {
    spawnargs: string[];
  };
  error.errno = -osConstants.errno[code];
  error.code = code;
  error.syscall = `spawn ${file}`;
  error.path = details?.path ?? file;
  error.spawnargs = argv.slice(1);
  return error;
}

/** A clear error when `cwd` is missing or not a directory (Node only says `spawn prog ENOENT`). */
export function cwdError(cwd: string | undefined, argv: readonly string[]): Error | null {
  if (cwd === undefined) return null;
  try {
    if (statSync(cwd).isDirectory()) return null;
    return spawnError('ENOTDIR', argv, {
      path: cwd,
      message: `spawn ${argv[0]} ENOTDIR: cwd '${cwd}' is not a directory`,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'ENOTDIR' : 'ENOENT';
    return spawnError(code, argv, { path: cwd, message: `spawn ${argv[0]} ${code}: cwd '${cwd}' does not exist` });
  }
}

/**
 * A spawn failure Node reports without the program's name (`spawn E2BIG`), named the way
 * CPython does (`Argument list too long: 'true'`); other errors are returned as they are.
 */
export function namedSpawnError(error: Error, argv: readonly string[]): Error {
  if ((error as NodeJS.ErrnoException).code !== 'E2BIG') return error;
  const file = argv[0] ?? '';
  return spawnError('E2BIG', argv, { message: `spawn ${file} E2BIG: argument list too long: '${file}'` });
}
