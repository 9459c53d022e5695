// `run` / `runSync` options: Popen's plus run's own, with Python's conflict checks.
import { ValueError } from '../internal/python-errors.js';
import { validateKnownKeys, validateOptions } from '../internal/validate.js';
import { PIPE } from './constants.js';
import {
  optionalBoolean,
  type PopenOptions,
  RUN_KEYS,
  type RunOptions,
  validateInput,
  validateSignal,
  validateTimeout,
} from './options.js';

/** `run` / `runSync` options split into Popen's and run's own, with Python's conflict checks. */
export interface PreparedRun {
  readonly popenOptions: PopenOptions;
  readonly input: string | Uint8Array | null;
  readonly timeout: number | null;
  readonly check: boolean;
  readonly signal: AbortSignal | undefined;
}

/** Validates run options: `input` vs `stdin`, `captureOutput` vs `stdout`/`stderr` are ValueErrors. */
export function prepareRun(rawOptions: unknown): PreparedRun {
  const options = validateOptions(rawOptions as RunOptions | undefined) as Record<string, unknown>;
  validateKnownKeys(options, RUN_KEYS);
  const { input: rawInput, captureOutput, timeout, check, signal, ...rest } = options;
  const popenOptions: Record<string, unknown> = rest;
  const input = validateInput(rawInput);
  if (input !== null) {
    if (rest.stdin !== undefined && rest.stdin !== null) {
      throw new ValueError('stdin and input arguments may not both be used.');
    }
    popenOptions.stdin = PIPE;
  }
  if (optionalBoolean(captureOutput, 'options.captureOutput')) {
    if ((rest.stdout !== undefined && rest.stdout !== null) || (rest.stderr !== undefined && rest.stderr !== null)) {
      throw new ValueError('stdout and stderr arguments may not be used with captureOutput.');
    }
    popenOptions.stdout = PIPE;
    popenOptions.stderr = PIPE;
  }
  return {
    popenOptions: popenOptions as PopenOptions,
    input,
    timeout: validateTimeout(timeout, 'options.timeout'),
    check: optionalBoolean(check, 'options.check'),
    signal: validateSignal(signal, 'options.signal'),
  };
}
