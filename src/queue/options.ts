// Validation of `{ block, timeout }` for queue operations (timeouts in milliseconds).
import { ValueError } from '../internal/python-errors.js';
import { invalidArgType, outOfRange, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { signalOf } from '../threading/abort.js';
import { TIMEOUT_MAX } from '../threading/options.js';

/** Options of `put`/`get` (Python's `block=True, timeout=None`). */
export interface BlockOptions {
  /** Wait for room/an item (default `true`); `false` fails at once with `Full`/`Empty`. */
  block?: boolean;
  /** Give up after this many milliseconds (`undefined`/`null`: wait forever). */
  timeout?: number | null;
  /**
   * Aborting it gives up as the timeout would (nothing put or taken), rejecting with an
   * `AbortError`. The `...Sync` twins only check it before they block.
   */
  signal?: AbortSignal | null;
}

/** Parsed `{ block, timeout, signal }`: the timeout stays as given (negative values are checked where Python checks them). */
export function parseBlockOptions(
  options: BlockOptions | undefined,
  name = 'options',
): { block: boolean; timeout: number | undefined; signal: AbortSignal | undefined } {
  if (options === undefined) return { block: true, timeout: undefined, signal: undefined };
  const opts = validateOptions(options, name);
  validateKnownKeys(opts, ['block', 'timeout', 'signal'], name);
  const signal = signalOf(opts.signal, `${name}.signal`);
  const block = opts.block ?? true;
  if (typeof block !== 'boolean') throw invalidArgType(`${name}.block`, 'of type boolean', block);
  const timeout = opts.timeout ?? undefined;
  if (timeout !== undefined) {
    if (typeof timeout !== 'number') throw invalidArgType(`${name}.timeout`, 'of type number', timeout);
    if (Number.isNaN(timeout)) throw new ValueError(`Invalid value NaN (not a number) for ${name}.timeout`);
    if (timeout > TIMEOUT_MAX && timeout !== Number.POSITIVE_INFINITY) {
      throw outOfRange(`${name}.timeout`, `<= TIMEOUT_MAX (${TIMEOUT_MAX} ms)`, timeout);
    }
  }
  return { block, timeout: timeout === Number.POSITIVE_INFINITY ? undefined : timeout, signal };
}
