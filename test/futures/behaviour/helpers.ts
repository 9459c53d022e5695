// Shared plumbing of the behaviour suite: executors made per test and shut down after it, and
// calls written in a kind's own terms (`[fn, ...args]`) submitted without per-kind typing.
import type { Executor, Future, SubmitOptions } from 'nogil/futures';
import { afterEach, vi } from 'vitest';
import type { Call, ExecutorKind } from '../kinds/kind.js';

type AnyExecutor = Executor<unknown>;

/** `create(options)` for the current test; every executor it made is shut down afterwards. */
export function executors(kind: ExecutorKind): (options?: { maxWorkers?: number }) => AnyExecutor {
  const made: AnyExecutor[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((e) => e.shutdown({ cancelFutures: true })));
  });
  return (options) => {
    const executor = kind.create(options);
    made.push(executor);
    return executor;
  };
}

/** `executor.submit(...call)`. */
export function submit(executor: AnyExecutor, call: Call): Future<unknown> {
  return (executor.submit as (fn: unknown, ...args: unknown[]) => Future<unknown>)(...call);
}

/** `executor.submitWith(options, ...call)`. */
export function submitWith(executor: AnyExecutor, options: SubmitOptions, call: Call): Future<unknown> {
  return (executor.submitWith as (o: SubmitOptions, fn: unknown, ...args: unknown[]) => Future<unknown>)(
    options,
    ...call,
  );
}

/** A call as a `map` over one-argument tasks: its function, and the item for its arguments. */
export function asMap(call: Call): { fn: unknown; item: unknown } {
  const [fn, ...args] = call;
  return { fn, item: args.length === 1 ? args[0] : args };
}

/** `executor.map(fn, items, options)`. */
export function map(
  executor: AnyExecutor,
  fn: unknown,
  items: Iterable<unknown>,
  options?: Parameters<AnyExecutor['map']>[2],
): AsyncIterableIterator<unknown> {
  return executor.map(fn, items as Iterable<never>, options);
}

/** Collects an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Euclid's gcd, the reference for the kinds' `gcd`. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** How many tasks an executor has accepted: every counter of stats() but the workers. */
export function accepted(executor: AnyExecutor): number {
  const s = executor.stats();
  return s.running + s.queued + s.completed + s.failed + s.cancelled;
}

/** Waits (by polling the future, there is no event for it) until a task has started. */
export async function untilRunning(future: Future<unknown>): Promise<void> {
  await vi.waitFor(
    () => {
      if (!future.running() && !future.done()) throw new Error('not started yet');
    },
    { timeout: 10_000, interval: 2 },
  );
}
