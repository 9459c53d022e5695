// execve()'s verdict on a program, reached before starting it, so that nogil fails the way
// CPython does where Node's spawn would run something else or hide the reason:
//
// - libuv starts programs with execvp(), which runs a file the kernel refuses (ENOEXEC: no `#!`,
//   not ELF) through /bin/sh. CPython's _posixsubprocess calls execve() itself and raises
//   `OSError: [Errno 8] Exec format error`.
// - the stderr=STDOUT wrapper (`/bin/sh -c 'exec "$@"'`) turns every exec failure into exit
//   status 127; a script whose `#!` interpreter is missing must still reject with ENOENT.
//
// The search follows CPython's: each PATH candidate in turn, the first one execve() would accept
// wins; otherwise the first error that is not "no such file" (EACCES, ENOEXEC, ELOOP), else
// ENOENT. A file the kernel might run through binfmt_misc (a registered format: qemu, WSL's
// .exe, ...) is left to the kernel.
import { accessSync, closeSync, constants as fsConstants, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { spawnError } from './shell.js';

/** Where libuv looks for a program when the child's environment has no PATH. */
const DEFAULT_PATH = '/usr/bin:/bin';

/** The kernel reads this much of a file to choose its loader (BINPRM_BUF_SIZE). */
const HEADER_BYTES = 256;

/** The kernel follows at most this many nested `#!` interpreters (BINPRM_MAX_RECURSION). */
const MAX_INTERPRETERS = 4;

/** What execve() would do with one file. */
type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'ENOENT' | 'EACCES' | 'ENOEXEC' | 'ELOOP'; readonly detail?: string };

const OK: Verdict = { ok: true };

/** The first bytes of `path`, or null when they cannot be read (execute-only: left to the kernel). */
function header(path: string): Buffer | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(HEADER_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, HEADER_BYTES, 0));
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The interpreter named by a `#!` line (up to a blank or the end of the line), or ''. */
function interpreterOf(head: Buffer): string {
  const line = head.subarray(2).toString('latin1');
  return line.replace(/^[ \t]+/, '').split(/[ \t\n\0]/, 1)[0] ?? '';
}

/** Whether binfmt_misc has any format registered (then an unknown header may still run). */
function binfmtMiscActive(): boolean {
  try {
    return readdirSync('/proc/sys/fs/binfmt_misc').some((name) => name !== 'register' && name !== 'status');
  } catch {
    return false;
  }
}

/** execve()'s verdict on `path` (`depth` counts the `#!` interpreters followed so far). */
function verdictOf(path: string, cwd: string, depth: number): Verdict {
  try {
    // No exception for the common miss (most PATH entries lack the program): a thrown ENOENT
    // costs ~10 us for its stack trace, on every spawn.
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) return { ok: false, code: 'ENOENT' };
    if (!stats.isFile()) return { ok: false, code: 'EACCES' };
    accessSync(path, fsConstants.X_OK);
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code === 'EACCES' ? 'EACCES' : 'ENOENT' };
  }
  const head = header(path);
  if (head === null) return OK;
  if (head.length >= 4 && head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF') return OK;
  if (head[0] === 0x23 && head[1] === 0x21) {
    const interpreter = interpreterOf(head);
    if (interpreter === '') return { ok: false, code: 'ENOEXEC' };
    if (depth >= MAX_INTERPRETERS) return { ok: false, code: 'ELOOP' };
    const inner = verdictOf(resolve(cwd, interpreter), cwd, depth + 1);
    if (inner.ok || inner.detail) return inner;
    return { ok: false, code: inner.code, detail: `interpreter '${interpreter}' (from #!)` };
  }
  return binfmtMiscActive() ? OK : { ok: false, code: 'ENOEXEC' };
}

/** CPython's wording of each errno, for the message. */
const REASONS = {
  ENOENT: 'not found',
  EACCES: 'permission denied',
  ENOEXEC: 'exec format error',
  ELOOP: 'too many levels of #! interpreters',
} as const;

/**
 * execve()'s verdict on `argv[0]` searched on PATH (in `cwd`, with the child's `env`), without
 * running it: null when a candidate would start, else an error shaped like Node's spawn errors
 * (`spawn prog ENOENT`; ENOEXEC, EACCES and ELOOP likewise, plus which interpreter failed).
 */
export function findProgramError(
  argv: readonly string[],
  cwd: string | undefined,
  env: Record<string, string> | undefined,
): Error | null {
  const file = argv[0] ?? '';
  const base = cwd ?? process.cwd();
  const search = env ? (env.PATH ?? DEFAULT_PATH) : (process.env.PATH ?? DEFAULT_PATH);
  const candidates =
    file === ''
      ? []
      : file.includes('/')
        ? [resolve(base, file)]
        : search.split(delimiter).map((dir) => resolve(base, dir || '.', file));
  // execvp() and CPython report EACCES for an empty name.
  let first: Verdict | null = file === '' ? { ok: false, code: 'EACCES' } : null;
  for (const candidate of candidates) {
    const verdict = verdictOf(candidate, base, 0);
    if (verdict.ok) return null;
    if (!first && (verdict.code !== 'ENOENT' || verdict.detail)) first = verdict;
  }
  const failure = (first ?? { ok: false, code: 'ENOENT' }) as Exclude<Verdict, { ok: true }>;
  if (!failure.detail && (failure.code === 'ENOENT' || failure.code === 'EACCES')) {
    return spawnError(failure.code, argv);
  }
  const why = failure.detail ? `${failure.detail} ${REASONS[failure.code]}` : REASONS[failure.code];
  return spawnError(failure.code, argv, { message: `spawn ${file} ${failure.code}: ${why}` });
}
