// The argv that actually runs: Python's `shell=True` (/bin/sh -c), the stderr=STDOUT wrapper,
// and the program lookup that lets the wrapper still fail like a direct spawn (ENOENT/EACCES).
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, resolve } from 'node:path';
import type { Args } from './options.js';

/** The shell of `shell: true`, as in Python on POSIX. */
export const SHELL = '/bin/sh';

/** Where libuv looks for a program when the child's environment has no PATH. */
const DEFAULT_PATH = '/usr/bin:/bin';

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
  code: 'ENOENT' | 'EACCES' | 'ENOTDIR',
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
 * execvp()'s verdict on `argv[0]` without running it: null when some candidate is an executable
 * file, else Node's ENOENT (nothing found) or EACCES (found, but not executable).
 */
export function findProgramError(
  argv: readonly string[],
  cwd: string | undefined,
  env: Record<string, string> | undefined,
): Error | null {
  const file = argv[0] ?? '';
  const base = cwd ?? process.cwd();
  const search = env ? (env.PATH ?? DEFAULT_PATH) : (process.env.PATH ?? DEFAULT_PATH);
  const candidates = file.includes('/')
    ? [resolve(base, file)]
    : search.split(delimiter).map((dir) => resolve(base, dir || '.', file));
  let denied = false;
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isDirectory()) {
        denied = true;
        continue;
      }
      accessSync(candidate, fsConstants.X_OK);
      return null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') denied = true;
    }
  }
  return spawnError(denied ? 'EACCES' : 'ENOENT', argv);
}
