// Type-level helpers: what a task takes and gives, from its `fn`. One set of rules serves every
// executor: functions (thread and process pools), `{ module, name }` references (untyped: the
// module is only loaded in the worker), and native kernel names (NativePoolExecutor).
import type { KernelName } from '../native/kernel-table.js';
import type { KernelArgs, KernelInput, KernelResult } from '../native/pool.js';

/** A task given as a module export: `{ module, name }` (name defaults to 'default'). */
export interface ModuleTask {
  /** A module path (absolute, or relative to the working directory), a `file:` URL or a package name. */
  readonly module: string | URL;
  /** The export's name. @default 'default' */
  readonly name?: string;
}

/** A self-contained function sent to a worker by source (it must not use outer variables). */
export type TaskFunction = (...args: never[]) => unknown;

/** The arguments `submit(fn, ...args)` takes for `fn`. */
export type TaskArgs<F> = F extends KernelName
  ? KernelArgs<F>
  : F extends (...args: infer A) => unknown
    ? A
    : unknown[];

/** What a task of `fn` resolves to (a Promise-returning function's value, awaited). */
export type TaskResult<F> = F extends KernelName
  ? KernelResult<F>
  : F extends (...args: never[]) => infer R
    ? Awaited<R>
    : unknown;

/** One element of `map(fn, items)` for `fn`: its first parameter (a tuple for native kernels). */
export type TaskItem<F> = F extends KernelName
  ? KernelInput<F>
  : F extends (item: infer X, ...rest: never[]) => unknown
    ? X
    : unknown;
