// Exit statuses and signals the Python way: `-N` for death by signal N, names or numbers in,
// and kill() calls that treat "already gone" as success.
import { constants as osConstants } from 'node:os';
import { withCode } from '../internal/errors.js';
import { invalidArgType } from '../internal/validate.js';

/** Python's `returncode` for a Node exit: the status, or `-N` for death by signal N. */
export function returncodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return -(osConstants.signals[signal] ?? 0);
  return code ?? 0;
}

/** A signal name (`'SIGINT'`) or number to its number (TypeError ERR_UNKNOWN_SIGNAL otherwise). */
export function signalNumber(sig: unknown, name = 'signal'): number {
  if (typeof sig === 'number') {
    if (Number.isInteger(sig) && sig >= 0 && sig <= 64) return sig;
  } else if (typeof sig === 'string') {
    const num = (osConstants.signals as Record<string, number | undefined>)[sig];
    if (num !== undefined) return num;
  } else {
    throw invalidArgType(name, 'of type string or number', sig);
  }
  throw withCode(new TypeError(`Unknown signal: ${String(sig)}`), 'ERR_UNKNOWN_SIGNAL');
}

/** `process.kill` that ignores a process (or group, for a negative pid) that is already gone. */
export function killQuietly(pid: number, sig: number): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGKILL's number. */
export const SIGKILL = osConstants.signals.SIGKILL;
