// `using` where Python has `with` (API.md): `hold()` / `holdSync()` take a lock (or semaphore
// unit) and return a handle whose `[Symbol.dispose]` gives it back; `runExclusive(fn)` runs `fn`
// while holding it (async-mutex's name). Written once for Lock, RLock, Semaphore,
// BoundedSemaphore and Condition, which forward here.

import { withCode } from '../internal/errors.js';
import { RuntimeError } from '../internal/python-errors.js';
import { validateFunction } from '../internal/validate.js';
import type { AcquireOptions } from './options.js';

/** What `hold()` resolves to: `using h = await lock.hold()` releases at the end of the scope. */
export interface Held extends Disposable {
  /** Releases now; later calls and the dispose at the end of the scope do nothing. */
  release(): void;
}

/** The methods `hold` needs from a primitive. */
export interface Holdable {
  acquire(options?: AcquireOptions): Promise<boolean>;
  acquireSync(options?: AcquireOptions): boolean;
  release(): void;
}

class Hold implements Held {
  #release: (() => void) | undefined;

  constructor(release: () => void) {
    this.#release = release;
  }

  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
Object.defineProperty(Hold.prototype, Symbol.toStringTag, { value: 'Held' });

// `hold()` has no `false` to resolve: a timeout or `blocking: false` that did not acquire rejects.
function notAcquired(kind: string, options: AcquireOptions | undefined): RuntimeError {
  const why =
    options?.blocking === false ? 'blocking: false, and it was taken' : `timeout of ${options?.timeout} ms expired`;
  return withCode(new RuntimeError(`${kind}.hold(): not acquired (${why})`), 'ERR_NOGIL_NOT_ACQUIRED');
}

/** Acquires `target` and resolves to a handle that releases it. */
export async function hold(target: Holdable, kind: string, options?: AcquireOptions): Promise<Held> {
  if (!(await target.acquire(options))) throw notAcquired(kind, options);
  return new Hold(() => target.release());
}

/** `hold()` that blocks this worker thread. */
export function holdSync(target: Holdable, kind: string, options?: AcquireOptions): Held {
  if (!target.acquireSync(options)) throw notAcquired(kind, options);
  return new Hold(() => target.release());
}

/** Runs `fn` holding `target`, releasing it however `fn` ends; resolves what `fn` returns. */
export async function runExclusive<T>(
  target: Holdable,
  kind: string,
  fn: () => T | PromiseLike<T>,
  options?: AcquireOptions,
): Promise<Awaited<T>> {
  validateFunction(fn, 'fn');
  const held = await hold(target, kind, options);
  try {
    return await fn();
  } finally {
    held.release();
  }
}
