// What a `Thread`'s worker receives at boot and reports back: kept apart from thread.ts so the
// worker's entry point loads as little as possible (start-up time is most of a short thread's life).
import { toWire, type WireError } from '../internal/errors.js';
import { encodeShared } from '../internal/shareable.js';
import type { TaskRef } from '../internal/task-ref.js';

/** The key of a `Thread`'s boot data in `workerData` (cold start) or in its boot message (warm). */
export const BOOT_KEY = '__nogilThreadBoot';

/** The key in `workerData` of a warm-pool worker, which waits for its boot message. */
export const WARM_KEY = '__nogilWarmThread';

/** What a `Thread`'s worker receives. */
export interface ThreadBoot {
  readonly name: string;
  readonly daemon: boolean;
  readonly target: TaskRef | undefined;
  readonly args: unknown[];
  readonly nativeCell: SharedArrayBuffer;
}

/** What a `Thread`'s worker reports when its target settles. */
export type ThreadReport =
  | { readonly t: 'done'; readonly result: unknown }
  | { readonly t: 'error'; readonly error: WireError };

/** Builds the report a worker posts when its target settles. */
export function reportOf(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): ThreadReport {
  return outcome.ok ? { t: 'done', result: encodeShared(outcome.value) } : { t: 'error', error: toWire(outcome.error) };
}
