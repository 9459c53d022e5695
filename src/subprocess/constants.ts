// The special values of `stdin` / `stdout` / `stderr`, with CPython's numbers so code ported
// from Python (or printing them) sees the same values: PIPE = -1, STDOUT = -2, DEVNULL = -3.

/**
 * Python's `subprocess.PIPE`: connect the stream to a new pipe (`Popen.stdin`, `.stdout` or
 * `.stderr` then holds the parent's end).
 */
export const PIPE = -1;

/**
 * Python's `subprocess.STDOUT`: for `stderr` only, send the child's standard error to the same
 * file descriptor as its standard output (one shared fd, so the interleaving order is kept).
 */
export const STDOUT = -2;

/** Python's `subprocess.DEVNULL`: connect the stream to `/dev/null`. */
export const DEVNULL = -3;
