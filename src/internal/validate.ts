// Argument validation with Node's own error codes and message shapes
// (ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE), so nogil's errors read
// like Node's: `The "a" argument must be of type number. Received type string ('12')`.
import { inspect } from 'node:util';
import { withCode } from './errors.js';

/** How Node's messages describe a received value ("Received type string ('12')"). */
export function describeReceived(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const ctor = (value as object).constructor;
    if (ctor?.name) return `an instance of ${ctor.name}`;
    return inspect(value, { depth: -1 });
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

/** `TypeError [ERR_INVALID_ARG_TYPE]`. */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError {
  const what = name.includes('.') || name.includes('[') ? `The "${name}" property` : `The "${name}" argument`;
  return withCode(
    new TypeError(`${what} must be ${expected}. Received ${describeReceived(value)}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** `TypeError [ERR_INVALID_ARG_VALUE]`. */
export function invalidArgValue(name: string, value: unknown, reason = 'is invalid'): TypeError {
  let shown = inspect(value, { depth: 1 });
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  const kind = name.includes('.') ? 'property' : 'argument';
  return withCode(new TypeError(`The ${kind} '${name}' ${reason}. Received ${shown}`), 'ERR_INVALID_ARG_VALUE');
}

/** `RangeError [ERR_OUT_OF_RANGE]`. */
export function outOfRange(name: string, range: string, value: unknown): RangeError {
  let shown: string;
  if (typeof value === 'number') shown = Object.is(value, -0) ? '-0' : String(value);
  else if (typeof value === 'bigint') shown = `${value}n`;
  else shown = inspect(value);
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${shown}`),
    'ERR_OUT_OF_RANGE',
  );
}

/** The range phrase of a safe non-negative integer. */
export const SAFE_UINT_RANGE = 'an integer >= 0 and <= 9007199254740991';

/** A safe non-negative integer (0 ..= 2^53 - 1), else TypeError/RangeError as Node does. */
export function validateSafeUint(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isSafeInteger(value) || value < 0) throw outOfRange(name, SAFE_UINT_RANGE, value);
}

/** An integer in [min, max]. */
export function validateInteger(value: unknown, name: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw outOfRange(name, `an integer >= ${min} and <= ${max}`, value);
  }
}

/** A boolean. */
export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
}

/** A string. */
export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
}

/** A function. */
export function validateFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
}

/** A plain options object (or undefined, which becomes `{}`). */
export function validateOptions<T extends object>(value: T | undefined, name = 'options'): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
  return value;
}

/** Rejects option keys that are not in `known` (typos must not be ignored silently). */
export function validateKnownKeys(options: object, known: readonly string[], name = 'options'): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw invalidArgValue(`${name}.${key}`, (options as Record<string, unknown>)[key], 'is not a known option');
    }
  }
}

/** An AbortSignal (or undefined). */
export function validateAbortSignal(value: unknown, name: string): asserts value is AbortSignal | undefined {
  if (value === undefined) return;
  if (
    value === null ||
    typeof value !== 'object' ||
    !('aborted' in value) ||
    typeof (value as AbortSignal).addEventListener !== 'function'
  ) {
    throw invalidArgType(name, 'an instance of AbortSignal', value);
  }
}

/** An optional AbortSignal option: undefined for null/undefined, else checked. */
export function optionalSignal(value: unknown, name = 'signal'): AbortSignal | undefined {
  if (value === undefined || value === null) return undefined;
  validateAbortSignal(value, name);
  return value as AbortSignal;
}
