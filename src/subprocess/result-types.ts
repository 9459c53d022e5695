// Result types as narrow as the options: a captured stream is `Buffer` / `string`, one that was
// not piped is `null`, and only a stream whose option is known only at run time is `... | null`.
//
//   run(cmd, { captureOutput: true, text: true })  -> CompletedProcess with stdout: string, stderr: string
//   run(cmd, { stdout: PIPE, stderr: STDOUT })     -> stdout: Buffer, stderr: null
//   new Popen(cmd, { stdout: PIPE }).communicate() -> [Buffer, null]

import type { CompletedProcess } from './completed-process.js';
import type { DEVNULL, PIPE, STDOUT } from './constants.js';
import type { OutputOf, StdioStream } from './options.js';

/** The type of option `K` in `O`, or `undefined` when `O` has no such key. */
type OptionOf<O, K extends PropertyKey> = K extends keyof O ? O[K] : undefined;

/**
 * Whether stream `K` is a pipe with options `O`: `true`, `false`, or `boolean` when the option's
 * type does not say (a `number` may be PIPE).
 */
export type IsPiped<O, K extends 'stdin' | 'stdout' | 'stderr'> = [OptionOf<O, K>] extends [typeof PIPE]
  ? true
  : [OptionOf<O, K>] extends [undefined | null | typeof DEVNULL | typeof STDOUT | StdioStream]
    ? false
    : number extends OptionOf<O, K>
      ? boolean // a plain `number` may be PIPE
      : [OptionOf<O, K>] extends [number]
        ? false // a file descriptor written as a literal (`stderr: 2`)
        : boolean;

/** `run` pipes both outputs with `captureOutput: true`. */
type IsCaptured<O, K extends 'stdout' | 'stderr'> = [OptionOf<O, 'captureOutput'>] extends [true]
  ? true
  : IsPiped<O, K>;

/** `T` for a pipe, `null` for no pipe, `T | null` when unknown. */
type Piped<T, P extends boolean> = P extends true ? T : null;

/** What `communicate()` gives for stream `K` of a Popen started with options `O`. */
export type PopenOutput<O, K extends 'stdout' | 'stderr'> = Piped<OutputOf<O>, IsPiped<O, K>>;

/** What a `CompletedProcess` of `run(args, O)` holds in stream `K`. */
export type RunOutput<O, K extends 'stdout' | 'stderr'> = Piped<OutputOf<O>, IsCaptured<O, K>>;

/** The `CompletedProcess` that `run(args, O)` / `runSync(args, O)` give. */
export type RunResult<O> = CompletedProcess<OutputOf<O>, RunOutput<O, 'stdout'>, RunOutput<O, 'stderr'>>;
