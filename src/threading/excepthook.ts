// threading.excepthook: how an exception that escaped a thread's target is reported.
import type { Thread } from './thread.js';

/** What `excepthook` receives (Python's `ExceptHookArgs`, camelCased). */
export interface ExceptHookArgs {
  /** The error's class (its constructor), or `undefined` for a non-object thrown value. */
  readonly excType: (abstract new (...args: never[]) => unknown) | undefined;
  /** The thrown value (an Error, revived with its class, message, stack and properties). */
  readonly excValue: unknown;
  /** The stack trace text, when there is one. */
  readonly excTraceback: string | undefined;
  /** The thread whose target threw (or the Timer whose function threw). */
  readonly thread: Thread | { readonly name: string } | undefined;
}

/** A thread exception handler. */
export type ExceptHook = (args: ExceptHookArgs) => void;

/**
 * The default handler (Python's `threading.__excepthook__`): prints
 * `Exception in thread <name>:` and the stack to stderr.
 */
export function __excepthook__(args: ExceptHookArgs): void {
  const { excValue, thread } = args;
  let text: string;
  if (excValue instanceof Error) text = excValue.stack ?? `${excValue.name}: ${excValue.message}`;
  else text = `${typeof excValue === 'string' ? excValue : String(excValue)}`;
  process.stderr.write(`Exception in thread ${thread?.name ?? '<unknown>'}:\n${text}\n`);
}

/**
 * The current thread exception handler (a live binding: reflects `setExcepthook`). Called on
 * the thread that started the failing thread, with the error revived there.
 */
export let excepthook: ExceptHook = __excepthook__;

/**
 * Replaces `excepthook` (Python: `threading.excepthook = hook`); `null`/`undefined` restores
 * the default. ESM exports cannot be assigned from outside, hence the setter.
 */
export function setExcepthook(hook: ExceptHook | null | undefined): void {
  if (hook !== null && hook !== undefined && typeof hook !== 'function') {
    throw new TypeError(`The "hook" argument must be of type function. Received ${typeof hook}`);
  }
  excepthook = hook ?? __excepthook__;
}

/** Calls `excepthook`; if the hook itself throws, reports both with the default handler. */
export function reportException(excValue: unknown, thread: ExceptHookArgs['thread']): void {
  const args: ExceptHookArgs = {
    excType:
      excValue !== null && typeof excValue === 'object'
        ? ((excValue as object).constructor as ExceptHookArgs['excType'])
        : undefined,
    excValue,
    excTraceback: excValue instanceof Error ? excValue.stack : undefined,
    thread,
  };
  try {
    excepthook(args);
  } catch (hookError) {
    process.stderr.write('Exception in threading.excepthook:\n');
    __excepthook__({ ...args, excValue: hookError, excTraceback: undefined });
    __excepthook__(args);
  }
}
