// One executor kind as the shared behaviour suite sees it (test/futures/behaviour/*): how to make
// one, and the suite's small task vocabulary in that executor's terms. Thread and process pools
// run JavaScript functions; the native pool runs kernel names. The suite runs every behaviour on
// every kind that has what the behaviour needs (a kind without `fail` has no throwing task, so
// the exception behaviours are generated for the others only: never skipped, never faked).
import type { Executor } from 'nogil/futures';

/** A call in an executor's own terms: `[fn, ...args]`, for `executor.submit(...call)`. */
export type Call = readonly [fn: unknown, ...args: unknown[]];

/** What the shared suite needs to know about one executor class. */
export interface ExecutorKind {
  /** The class name, used in test titles. */
  readonly name: 'ThreadPoolExecutor' | 'ProcessPoolExecutor' | 'NativePoolExecutor';
  /** A fresh executor (the suite shuts it down in afterEach). */
  create(options?: { maxWorkers?: number }): Executor<unknown>;
  /** `gcd(a, b)` (Euclid), resolving to a number. */
  gcd(a: number, b: number): Call;
  /** Blocks its worker for `ms` milliseconds (a blocking sleep, not a timer), resolves to undefined or nothing. */
  sleep(ms: number): Call;
  /** For `map`: the function, and how one item of `gcd(a, b)` is written for it. */
  readonly mapGcd: { readonly fn: unknown; item(a: number, b: number): unknown };
  /** Throws an `Error` subclass named `name` with `message` (absent where tasks cannot throw). */
  fail?(name: string, message: string): Call;
  /**
   * For `map` (error at a position): a function of one item that returns the item's `value`,
   * or throws a `RangeError` with `message` when the item carries one (absent where tasks
   * cannot throw).
   */
  readonly mapMaybeFail?: { readonly fn: unknown; item(value: number, message?: string): unknown };
}
