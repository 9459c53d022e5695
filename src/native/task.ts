// The controls of one native task or batch: its status word (control.ts), its promise, its
// AbortSignal, and the internal `NativeTask` handle that NativePoolExecutor builds on (see
// the header of pool.ts).

import { abortErrorWith, watchAbort } from '../internal/abort.js';
import { validateAbortSignal, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { expect, fail, lastExpected, type Shape } from './completions.js';
import {
  ABORTED,
  CANCELLED,
  claimSlot,
  QUEUED,
  RUNNING,
  releaseSlot,
  resetSlot,
  slotState,
  transition,
} from './control.js';

/** Options of one task or batch. */
export interface NativeTaskOptions {
  /**
   * Aborts the task: if it has not started it never runs; if it is running it stops at its
   * next cancellation check (within a few milliseconds). The promise rejects with an
   * `AbortError` (`code: 'ABORT_ERR'`, `cause`: the signal's reason), at once.
   */
  signal?: AbortSignal | undefined;
}

/**
 * Where a controlled task is (internal, for NativePoolExecutor): `'queued'` (not started; a
 * `cancel()` now succeeds), `'running'` (a pool thread runs it), `'finished'` (it ran, and its
 * result is settled or on its way, or it was aborted).
 */
export type NativeTaskState = 'queued' | 'running' | 'finished';

/** A submitted task that can be inspected and stopped (internal, for NativePoolExecutor). */
export interface NativeTask<T> {
  /** The result; rejects with an `AbortError` once the task is cancelled or aborted. */
  readonly promise: Promise<T>;
  /** Where the task is now: exact, read from the word the pool thread writes. */
  readonly state: NativeTaskState;
  /** Python's `Future.cancel()`: succeeds only while queued; then it never runs. */
  cancel(reason?: unknown): boolean;
  /** Stops the task whether queued or running (as its signal would); false once finished. */
  abort(reason?: unknown): boolean;
}

/**
 * A kernel field is `kernelId + KERNEL_FIELD_SPAN * (slot + 1)`: the kernel, and for a
 * controlled task its status word (KERNEL_FIELD_SPAN in native/binding/src/exports/pool.rs).
 */
export const KERNEL_FIELD_SPAN = 256;
/** The rejection of an aborted task. */
export function aborted(reason: unknown): Error {
  return abortErrorWith(reason);
}

/** The reason `AbortController.abort()` gives when called without one. */
function defaultReason(): unknown {
  return new DOMException('This operation was aborted', 'AbortError');
}

/** A task that failed before it was queued: settled, nothing to stop. */
export function refusedTask<T>(error: unknown): NativeTask<T> {
  return {
    promise: Promise.reject(error),
    state: 'finished',
    cancel: () => false,
    abort: () => false,
  };
}

/** The controls of a task that owns status word `slot` and promise `id`. */
export class ControlledTask<T> implements NativeTask<T> {
  readonly promise: Promise<T>;
  readonly #id: number;
  readonly #slot: number;
  readonly #signal: AbortSignal | undefined;
  #settled = false;
  readonly #unwatch: (() => void) | undefined;
  readonly #onAbort = (): void => {
    this.abort((this.#signal as AbortSignal).reason);
  };

  constructor(shape: Shape, signal: AbortSignal | undefined) {
    this.#slot = claimSlot();
    this.#signal = signal;
    this.#id = expect(shape, () => this.#finish());
    this.promise = lastExpected<T>();
    this.#unwatch = signal ? watchAbort(signal, this.#onAbort) : undefined;
  }

  /** The kernel field for the wire. */
  field(kernelId: number): number {
    return kernelId + KERNEL_FIELD_SPAN * (this.#slot + 1);
  }

  get id(): number {
    return this.#id;
  }

  get state(): NativeTaskState {
    if (this.#settled) return 'finished';
    const state = slotState(this.#slot);
    return state === QUEUED ? 'queued' : state === RUNNING ? 'running' : 'finished';
  }

  cancel(reason: unknown = defaultReason()): boolean {
    if (this.#settled || !transition(this.#slot, QUEUED, CANCELLED)) return false;
    fail(this.#id, aborted(reason));
    return true;
  }

  abort(reason: unknown = defaultReason()): boolean {
    if (this.cancel(reason)) return true;
    if (this.#settled || !transition(this.#slot, RUNNING, ABORTED)) return false;
    fail(this.#id, aborted(reason));
    return true;
  }

  /** The addon refused the submission: nothing on the Rust side holds the word. */
  refused(error: unknown): void {
    resetSlot(this.#slot);
    fail(this.#id, error);
  }

  /** As the promise settles: let go of the word and of the signal. */
  #finish(): void {
    this.#settled = true;
    releaseSlot(this.#slot);
    this.#unwatch?.();
  }
}

/** Validates `{ signal }` options; the signal, if any. */
export function taskSignal(options: NativeTaskOptions | undefined): AbortSignal | undefined {
  const checked = validateOptions(options);
  validateKnownKeys(checked, ['signal']);
  const { signal } = checked;
  validateAbortSignal(signal, 'options.signal');
  return signal;
}
