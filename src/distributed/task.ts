// Tasks as they travel in a job: a self-contained function by source, a `{ module, name }`
// reference resolved on the worker (paths relative to the worker's working directory), or a
// native kernel name (workers with the native backend). Plain JSON: a job's task is readable
// in any BullMQ dashboard.
import type { ModuleTask, TaskFunction } from '../futures/types.js';
import { toTaskRef } from '../internal/task-ref.js';
import { invalidArgType, invalidArgValue } from '../internal/validate.js';
import type { KernelName } from '../native/kernel-table.js';

/** What `RedisExecutor.submit` accepts as `fn`. */
export type DistributedTask = TaskFunction | ModuleTask | KernelName;

// The kernel names (KernelName), known without loading the addon: a submitter needs none.
const KERNELS = ['bruteGcd', 'gcd', 'factorize', 'sleep'] as const satisfies readonly KernelName[];

/** A task in a job's data. */
export type WireTask =
  | { readonly kind: 'source'; readonly source: string; readonly wrap: 'expr' | 'method'; readonly name: string }
  | { readonly kind: 'module'; readonly module: string; readonly name: string }
  | { readonly kind: 'kernel'; readonly name: string };

/** Validates `fn` in the submitting process (TypeError for anything that cannot be sent). */
export function toWireTask(fn: unknown): WireTask {
  if (typeof fn === 'function') {
    const ref = toTaskRef(fn, 'fn');
    if (ref.kind !== 'source') throw new Error('unreachable: a function is sent by source');
    return { kind: 'source', source: ref.source, wrap: ref.wrap, name: ref.name };
  }
  if (typeof fn === 'string') {
    if (!(KERNELS as readonly string[]).includes(fn)) {
      throw invalidArgValue('fn', fn, `is not a native kernel (${KERNELS.join(', ')})`);
    }
    return { kind: 'kernel', name: fn };
  }
  if (fn !== null && typeof fn === 'object' && 'module' in fn) {
    const { module, name = 'default' } = fn as { module: unknown; name?: unknown };
    if (typeof module !== 'string' && !(module instanceof URL)) {
      throw invalidArgType('fn.module', 'of type string or an instance of URL', module);
    }
    if (typeof name !== 'string') throw invalidArgType('fn.name', 'of type string', name);
    return { kind: 'module', module: module instanceof URL ? module.href : module, name };
  }
  throw invalidArgType('fn', 'a function, an object like { module, name } or a native kernel name', fn);
}

/** A short name of the task, for job names and messages. */
export function taskLabel(task: WireTask): string {
  return task.kind === 'module' ? `${task.module}#${task.name}` : task.name;
}
