// The options of RedisExecutor and startWorker, and their validation.
import { invalidArgType, invalidArgValue, outOfRange } from '../internal/validate.js';

/** The default queue name. */
export const DEFAULT_QUEUE = 'nogil';
/** The default key prefix (BullMQ's `prefix`): keys are `<prefix>:<queue>:...`. */
export const DEFAULT_PREFIX = 'nogil';

// Characters a queue name cannot hold: ':' separates BullMQ's key parts; whitespace and
// control characters make keys unreadable in every Redis tool (and break CLIENT SETNAME).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const BAD_NAME = /[:\s\u0000-\u001f\u007f]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const BAD_PREFIX = /[\s\u0000-\u001f\u007f]/u;

/** A queue name Redis keys can hold (TypeError otherwise). */
export function queueNameOf(value: unknown, name = 'options.queue'): string {
  if (value === undefined) return DEFAULT_QUEUE;
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (value === '' || BAD_NAME.test(value)) {
    throw invalidArgValue(name, value, "must be a non-empty name without ':', whitespace or control characters");
  }
  return value;
}

/** A key prefix (TypeError for whitespace or control characters). */
export function prefixOf(value: unknown, name = 'options.prefix'): string {
  if (value === undefined) return DEFAULT_PREFIX;
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (value === '' || BAD_PREFIX.test(value)) {
    throw invalidArgValue(name, value, 'must be a non-empty prefix without whitespace or control characters');
  }
  return value;
}

/** A non-negative integer (RangeError for negative or fractional numbers). */
export function countOf(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isSafeInteger(value) || value < 0) throw outOfRange(name, 'an integer >= 0', value);
  return value;
}

/** A positive number of milliseconds (Infinity allowed where `infinite`). */
export function msOf(value: unknown, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value) || value < min || (!Number.isFinite(value) && value !== Number.POSITIVE_INFINITY)) {
    throw outOfRange(name, `a number of milliseconds >= ${min}`, value);
  }
  return value;
}
