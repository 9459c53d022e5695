// A clear error for the most common mistake with functions sent by source (task-ref.ts): using a
// variable of the enclosing scope, which does not exist in the thread that compiled the source.
import type { TaskRef } from './task-ref.js';

const NOT_DEFINED = /^([\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$\u200c\u200d]*) is not defined$/u;

/**
 * If `error` is a `ReferenceError` for a name the source of `ref` uses, a `ReferenceError` that
 * says why (the function was sent by source) and what to do (`hint`); `error` otherwise. The
 * original error is kept as `cause`.
 *
 * @param what what the function is, for the message ("Thread target", "Barrier action")
 * @param hint how to get the value in, e.g. "pass {name} in args" (`{name}` is replaced by the name)
 */
export function explainScopeError(error: unknown, ref: TaskRef | undefined, what: string, hint: string): unknown {
  if (ref?.kind !== 'source' || !(error instanceof Error) || error.name !== 'ReferenceError') return error;
  const match = NOT_DEFINED.exec(error.message);
  const name = match?.[1];
  if (name === undefined || !usesName(ref.source, name)) return error;
  const explained = new ReferenceError(
    `${what} uses \`${name}\`, which is not defined in the thread that ran it: functions are sent ` +
      `to other threads by source, without the variables of their enclosing scope; ${hint.replaceAll('{name}', name)}`,
    { cause: error },
  );
  if (error.stack)
    explained.stack = `${explained.name}: ${explained.message}\n${error.stack.split('\n').slice(1).join('\n')}`;
  return explained;
}

function usesName(source: string, name: string): boolean {
  const escaped = name.replace(/[$]/g, '\\$');
  return new RegExp(`(^|[^\\p{L}\\p{N}$_.])${escaped}($|[^\\p{L}\\p{N}$_])`, 'u').test(source);
}
