// Every executor kind the shared behaviour suite (test/futures/behaviour/*) runs against.
import type { ExecutorKind } from './kind.js';
import { native } from './native.js';
import { processKind } from './process.js';
import { threadKind } from './thread.js';

export const kinds: readonly ExecutorKind[] = [threadKind, processKind, native];

/** Kinds whose tasks can throw (the exception behaviours run on these). */
export const failingKinds: readonly ExecutorKind[] = kinds.filter((kind) => kind.fail !== undefined);
