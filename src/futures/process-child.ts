// The entry point of a ProcessPoolExecutor child (forked by child-handle.ts; the message flow
// is in process-protocol.ts). Runs the initializer once, then tasks one at a time in the order
// they came, each result sent before the next task starts.
import { toWire, type WireError } from '../internal/errors.js';
import type { TaskRef } from '../internal/task-ref.js';
import { installSourceShims, resolveTaskRef } from '../internal/task-resolve.js';
import { Msg, type ToChild, type ToParent, type WireTask } from './process-protocol.js';

if (typeof process.send !== 'function') {
  throw new Error('nogil/futures process-child.js is only started by ProcessPoolExecutor');
}
installSourceShims();

/**
 * Sends a message; resolves once it is written to the pipe (or the channel is gone). Throws
 * synchronously when the message cannot be serialized.
 */
function send(message: ToParent): Promise<void> {
  let written!: () => void;
  const promise = new Promise<void>((resolve) => {
    written = resolve;
  });
  process.send?.(message, undefined, undefined, () => written());
  return promise;
}

const refs = new Map<number, TaskRef>();
const queue: WireTask[] = [];
let draining = false;
let initDone: Promise<void> | undefined;

// An error from a timer or a promise nobody awaited kills the child (as it would any Node
// process); tell the parent why first, so the BrokenProcessPool it reports carries the cause.
process.on('uncaughtException', (error) => {
  try {
    process.send?.([Msg.FATAL, toWire(error)] satisfies ToParent, undefined, undefined, () => process.exit(1));
  } catch {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  }
  setTimeout(() => process.exit(1), 1000).unref();
});

// The parent closed the channel (shutdown, or it died): nothing more will come.
process.on('disconnect', () => process.exit(0));

process.on('message', (message: ToChild) => {
  if (message[0] === Msg.INIT) {
    initDone = initialize(message[1], message[2]);
  } else if (message[0] === Msg.RUN) {
    for (const task of message[1]) queue.push(task);
    void drain();
  }
});

async function initialize(ref: TaskRef | undefined, args: readonly unknown[]): Promise<void> {
  try {
    if (ref) await (await resolveFunction(ref))(...args);
  } catch (error) {
    await send([Msg.INIT_FAILED, explain(error, ref)]);
    return;
  }
  await send([Msg.READY]);
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  await initDone;
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) await run(task);
  draining = false;
}

async function run([id, refId, wireRef, args, chunk]: WireTask): Promise<void> {
  if (wireRef) refs.set(refId, wireRef);
  const ref = refs.get(refId) as TaskRef;
  const started = performance.now();
  let ok = true;
  let value: unknown;
  try {
    const fn = await resolveFunction(ref);
    if (chunk) {
      const results: unknown[] = [];
      for (const item of args) results.push(await fn(item));
      value = results;
    } else {
      value = await fn(...args);
    }
  } catch (error) {
    ok = false;
    value = error;
  }
  const ms = performance.now() - started;
  if (!ok) {
    await send([Msg.RESULT, id, false, explain(value, ref), ms]);
    return;
  }
  try {
    await send([Msg.RESULT, id, true, value, ms]);
  } catch (error) {
    // The result cannot be serialized: this task fails, the child goes on.
    const cloneError = new Error(
      `the result of task ${nameOf(ref)} could not be sent to the parent process: ${(error as Error)?.message}`,
    );
    cloneError.name = 'DataCloneError';
    await send([Msg.RESULT, id, false, toWire(cloneError), ms]);
  }
}

function nameOf(ref: TaskRef | undefined): string {
  if (!ref) return '<unknown>';
  return ref.kind === 'source' ? ref.name : `${ref.name} of ${ref.url}`;
}

const cache = new Map<TaskRef, (...args: unknown[]) => unknown>();

/** The function a reference names; a module that cannot be loaded is reported with the export. */
async function resolveFunction(ref: TaskRef): Promise<(...args: unknown[]) => unknown> {
  const hit = cache.get(ref);
  if (hit) return hit;
  let fn: (...args: unknown[]) => unknown;
  try {
    fn = await resolveTaskRef(ref);
  } catch (error) {
    if (ref.kind !== 'module' || (error as { code?: string })?.code === 'ERR_INVALID_ARG_VALUE') throw error;
    const wrapped = new Error(
      `cannot load module ${ref.url} for its export '${ref.name}': ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string') Object.assign(wrapped, { code });
    throw wrapped;
  }
  cache.set(ref, fn);
  return fn;
}

/**
 * The wire form of a task's error. A source-form function that reads a variable of the scope it
 * was written in fails here with `x is not defined`: say why.
 */
function explain(error: unknown, ref: TaskRef | undefined): WireError {
  if (ref?.kind === 'source' && error instanceof ReferenceError) {
    const name = /^(\S+) is not defined$/.exec(error.message)?.[1];
    if (name && ref.source.includes(name)) {
      const original = error.message;
      error.message =
        `${name} is not defined: the task function ${ref.name} is sent to the child process by source, ` +
        `so it cannot use '${name}' from the scope it was written in; pass it as an argument, ` +
        'or import it inside the function';
      if (error.stack?.startsWith(`ReferenceError: ${original}`)) {
        error.stack = `ReferenceError: ${error.message}${error.stack.slice(16 + original.length)}`;
      }
    }
  }
  return toWire(error);
}
