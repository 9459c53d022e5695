// Command-line plumbing shared by the commands: argument parsing on Node's `util.parseArgs`,
// the one-line usage error (exit status 2), and colour decisions.
import { parseArgs } from 'node:util';
import pc from 'picocolors';

/** Bad usage: the command prints `nogil: <message>` on stderr and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit status for bad usage (as getopt tools and Python's argparse use). */
export const USAGE_EXIT = 2;
/** Exit status after SIGINT (128 + 2, as a shell reports it). */
export const SIGINT_EXIT = 130;

/** An option as parseArgs takes it (the subset the commands use). */
type OptionSpec = { readonly type: 'string' | 'boolean'; readonly short?: string };
/** The values parseArgs gives for `O`. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean;
};

/**
 * Parses `argv` strictly against `options` (no positionals); every parse error becomes one
 * UsageError line naming the option and `nogil <command> --help`.
 */
export function parseOptions<O extends Record<string, OptionSpec>>(
  command: string,
  argv: string[],
  options: O,
): OptionValues<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as OptionValues<O>;
  } catch (error) {
    const message =
      (error as Error).message
        .split('\n')[0]
        ?.replace(/\.? To specify .*$/, '')
        .replace(/\.$/, '') ?? String(error);
    throw new UsageError(`${message} (see nogil ${command} --help)`);
  }
}

/** Whether to colour what goes to `stream`: on a TTY only, unless NO_COLOR (or FORCE_COLOR) says otherwise. */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** The colour functions for `stream` (identity functions when colour is off). */
export function coloursFor(stream: { isTTY?: boolean }): ReturnType<typeof pc.createColors> {
  return pc.createColors(colourEnabled(stream));
}

/** Colour functions, as picocolors gives them. */
export type Colours = ReturnType<typeof pc.createColors>;
