// What a job carries (BullMQ job data, JSON with a base64 v8 payload) and what a worker
// returns (the outcome, v8 in base64). Errors travel as outcomes, not as BullMQ failures:
// BullMQ would keep only a message and a stack string, and would spend its retries on them;
// here a task's error keeps its class, and retries are kept for workers that die.
import { fromWire, isWire, toWire, type WireError } from '../internal/errors.js';
import { decode, encode } from './codec.js';
import type { WireTask } from './task.js';

/** The format version of job data and outcomes. */
export const JOB_FORMAT = 1;

/** A job's data. */
export interface JobData {
  readonly v: typeof JOB_FORMAT;
  readonly task: WireTask;
  /** The arguments (a map chunk: its items), v8 in base64. */
  readonly args: string;
  /** A map chunk: call the task once per item and return the array of results. */
  readonly chunk: boolean;
  /** How many times the task may run again after its worker died. */
  readonly retries: number;
}

/** A worker's answer. */
export type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: WireError };

/** Whether job data is in a format this version understands. */
export function isJobData(data: unknown): data is JobData {
  const d = data as Partial<JobData> | null;
  return (
    d !== null &&
    typeof d === 'object' &&
    d.v === JOB_FORMAT &&
    typeof d.args === 'string' &&
    typeof d.chunk === 'boolean' &&
    typeof d.retries === 'number' &&
    typeof d.task === 'object' &&
    d.task !== null
  );
}

/** A failed outcome, encoded. */
export function encodeFailure(error: unknown): string {
  return encode({ ok: false, error: toWire(error) } satisfies Outcome, 'the error');
}

/** An outcome, encoded; a result that cannot be serialized becomes a TypeError outcome. */
export function encodeOutcome(value: unknown): string {
  try {
    return encode({ ok: true, value } satisfies Outcome, "the task's result");
  } catch (error) {
    return encodeFailure(error);
  }
}

/** The settled value of an outcome: `[true, value]` or `[false, revived error]`. */
export function decodeOutcome(returnvalue: unknown): [ok: boolean, value: unknown] {
  const outcome = decode(returnvalue as string) as Outcome;
  if (outcome.ok) return [true, outcome.value];
  return [false, isWire(outcome.error) ? fromWire(outcome.error) : outcome.error];
}
