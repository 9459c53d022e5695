// Executor.map's result iterator (CPython 3.14's `Executor.map` with `timeout`, `chunksize` and
// `buffersize`): tasks are submitted at the call (all of them, or `buffersize` ahead of the
// consumer); results come back in input order; `timeout` counts from the call; a failed task
// throws at its position and, like an early `break`, cancels every task not consumed yet.
import { invalidArgType } from '../internal/validate.js';
import type { Future } from './future.js';
import { type MapOptions, mapOptionsOf } from './options.js';
import { serialized } from './serial.js';

const arrayValues = Array.prototype[Symbol.iterator];
const arrayIteratorNext = Object.getPrototypeOf([][Symbol.iterator]()).next as () => unknown;
const END = Symbol('end');

/** Reads a map's source: one item at a time, or up to n of them (fewer at its end). */
interface Source {
  one(): unknown;
  some(n: number): unknown[];
}

// The items of `iterable`, END once it is exhausted. An array whose iteration is the built-in
// one is read by index: the same items the array iterator gives (a hole reads as undefined, the
// length is read at each step), at a few ns per item instead of ~50, and a chunk is filled in a
// preallocated array, not grown by push().
function sourceOf(iterable: Iterable<unknown>): Source {
  if (
    Array.isArray(iterable) &&
    iterable[Symbol.iterator] === arrayValues &&
    Object.getPrototypeOf([][Symbol.iterator]()).next === arrayIteratorNext
  ) {
    const array: readonly unknown[] = iterable;
    let at = 0;
    return {
      one: () => (at < array.length ? array[at++] : END),
      some: (n) => {
        const m = Math.max(0, Math.min(n, array.length - at));
        const items: unknown[] = new Array(m);
        // (The length is still checked per item: an index getter may shorten the array ...)
        let i = 0;
        while (i < m && at < array.length) items[i++] = array[at++];
        if (i < m) items.length = i;
        // (... or lengthen it: what the array iterator would still give goes in the chunk too.)
        while (items.length < n && at < array.length) items.push(array[at++]);
        return items;
      },
    };
  }
  const source = iterable[Symbol.iterator]();
  const one = (): unknown => {
    const step = source.next();
    return step.done ? END : step.value;
  };
  return {
    one,
    some: (n) => {
      const items: unknown[] = [];
      while (items.length < n) {
        const item = one();
        if (item === END) break;
        items.push(item);
      }
      return items;
    },
  };
}

/** How `startMap` submits: one task per item, or one chunk task per `chunksize` items. */
export interface MapSubmitter {
  submit(args: readonly unknown[], chunk: boolean): Future<unknown>;
  argsOfItem(item: unknown): readonly unknown[];
}

/** Validates, submits and returns the result iterator (see the file comment). */
export function startMap<R>(
  iterable: unknown,
  options: MapOptions | undefined,
  submitter: MapSubmitter,
): AsyncIterableIterator<R> {
  if (
    iterable === null ||
    (typeof iterable !== 'object' && typeof iterable !== 'string') ||
    typeof (iterable as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw invalidArgType('iterable', 'an iterable', iterable);
  }
  const { timeout, chunksize, buffersize } = mapOptionsOf(options);
  const end = performance.now() + timeout;
  const source = sourceOf(iterable as Iterable<unknown>);
  let exhausted = false;

  // The next task from the source, or undefined once it is exhausted.
  const nextTask = (): { future: Future<unknown>; chunk: boolean } | undefined => {
    if (exhausted) return undefined;
    if (chunksize === 1) {
      const item = source.one();
      if (item === END) {
        exhausted = true;
        return undefined;
      }
      return { future: submitter.submit(submitter.argsOfItem(item), false), chunk: false };
    }
    const items = source.some(chunksize);
    if (items.length < chunksize) exhausted = true;
    if (items.length === 0) return undefined;
    return { future: submitter.submit(items, true), chunk: true };
  };

  // Taken from `head` on (not with shift(): on a large array each shift copies the rest).
  let tasks: Array<{ future: Future<unknown>; chunk: boolean }> = [];
  let head = 0;
  const cancelRest = (): void => {
    for (let i = head; i < tasks.length; i++) tasks[i]?.future.cancel();
    tasks = [];
    head = 0;
  };
  try {
    for (let n = 0; buffersize === undefined || n < buffersize; n++) {
      const t = nextTask();
      if (!t) break;
      tasks.push(t);
    }
  } catch (error) {
    cancelRest();
    throw error;
  }

  // A chunk's results: a list, or a Float64Array (a thread pool's chunk of numbers).
  let chunkResults: ArrayLike<unknown> = [];
  let chunkAt = 0;
  let finished = false;
  const step = async (): Promise<IteratorResult<R>> => {
    for (;;) {
      if (chunkAt < chunkResults.length) return { value: chunkResults[chunkAt++] as R, done: false };
      if (finished) return { value: undefined, done: true };
      try {
        // Keep `buffersize` tasks ahead: submit the next one before waiting (as CPython does).
        if (buffersize !== undefined) {
          const t = nextTask();
          if (t) tasks.push(t);
        }
        const t = tasks[head];
        if (t) tasks[head++] = undefined as never;
        if (head === tasks.length) {
          tasks = [];
          head = 0;
        }
        if (!t) {
          finished = true;
          return { value: undefined, done: true };
        }
        let value: unknown;
        try {
          value =
            timeout === Number.POSITIVE_INFINITY
              ? await t.future.result()
              : await t.future.result(Math.max(0, end - performance.now()));
        } finally {
          // Python's _result_or_cancel: a task that timed out is cancelled (if still pending).
          t.future.cancel();
        }
        // return() came while this call waited: the iteration is over.
        if (finished) return { value: undefined, done: true };
        if (!t.chunk) return { value: value as R, done: false };
        chunkResults = value as ArrayLike<unknown>;
        chunkAt = 0;
      } catch (error) {
        finished = true;
        cancelRest();
        throw error;
      }
    }
  };
  const iterator: AsyncIterableIterator<R> = {
    // The rest of a chunk needs no wait: served without an async step.
    next: serialized(step, () =>
      chunkAt < chunkResults.length ? { value: chunkResults[chunkAt++] as R, done: false } : undefined,
    ),
    async return(): Promise<IteratorResult<R>> {
      finished = true;
      chunkResults = [];
      cancelRest();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
