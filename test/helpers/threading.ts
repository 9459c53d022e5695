// Helpers for threading/queue tests: fixture targets, threads that are always cleaned up, timing.

import { type ExceptHookArgs, setExcepthook, Thread, type ThreadOptions } from 'nogil/threading';
import { afterEach, expect } from 'vitest';

/** A `{ module, name }` target from test/fixtures/threading/targets.mjs. */
export function fixture(name: string): { module: URL; name: string } {
  return { module: new URL('../fixtures/threading/targets.mjs', import.meta.url), name };
}

const started: Thread[] = [];

/**
 * What `excepthook` received during the current test. Tests look at `thread.error` and this
 * list instead of letting expected failures print to stderr (the default hook is tested on its own).
 */
export const reported: ExceptHookArgs[] = [];
setExcepthook((args) => {
  reported.push(args);
});

/**
 * Starts a daemon thread (so a failing test can never hang the process) and remembers it: every
 * test's teardown checks that all its threads finished.
 */
export function spawn<A extends unknown[], R>(options: ThreadOptions<A, R>): Thread<R, A> {
  const t = new Thread<R, A>({ daemon: true, ...options });
  t.start();
  started.push(t as Thread);
  return t;
}

/** Joins threads and rethrows the first target error (tests want failures visible). */
export async function joinAll(threads: Thread[], timeout = 30_000): Promise<unknown[]> {
  for (const t of threads) await t.join(timeout);
  for (const t of threads) {
    expect(t.isAlive(), `${t.name} still running`).toBe(false);
    if (t.error !== undefined) throw t.error;
  }
  return threads.map((t) => t.result);
}

afterEach(async () => {
  reported.length = 0;
  const leftovers = started.splice(0);
  for (const t of leftovers) await t.join(10_000);
  const alive = leftovers.filter((t) => t.isAlive()).map((t) => t.name);
  expect(alive, 'threads left running by the test').toEqual([]);
});

/** Milliseconds since `start` (performance.now()). */
export function since(start: number): number {
  return performance.now() - start;
}

/** A promise that resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Repeats a test body `n` times (stress tests: catch flakiness in one run). */
export async function repeat(n: number, body: (round: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < n; i++) await body(i);
}
