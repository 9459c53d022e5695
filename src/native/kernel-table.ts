// The kernel registry as TypeScript sees it: read from the addon, so names, ids and arities
// can never drift from the Rust side.
import { invalidArgType, invalidArgValue } from '../internal/validate.js';
import { binding } from './binding.js';

/** The names of the native kernels. */
export type KernelName = 'bruteGcd' | 'gcd' | 'factorize' | 'sleep';

/** One kernel: its wire id, argument names and result shape. */
export interface KernelInfo {
  readonly name: string;
  readonly id: number;
  readonly params: readonly string[];
  readonly result: 'number' | 'list' | 'void';
}

const paramNames: Record<string, readonly string[]> = {
  bruteGcd: ['a', 'b'],
  gcd: ['a', 'b'],
  factorize: ['n'],
  sleep: ['ms'],
};

let table: Map<string, KernelInfo> | undefined;

function kernels(): Map<string, KernelInfo> {
  if (!table) {
    table = new Map();
    for (const [name, id, arity, returnsList] of binding().kernels()) {
      const params = paramNames[name] ?? Array.from({ length: arity }, (_, i) => `arg${i}`);
      table.set(name, { name, id, params, result: returnsList ? 'list' : name === 'sleep' ? 'void' : 'number' });
    }
  }
  return table;
}

/** The kernel called `name`, or TypeError (ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE). */
export function kernelInfo(name: unknown): KernelInfo {
  if (typeof name !== 'string') throw invalidArgType('kernel', 'of type string', name);
  const info = kernels().get(name);
  if (!info) {
    const known = [...kernels().keys()].map((k) => `'${k}'`).join(', ');
    throw invalidArgValue('kernel', name, `must be one of: ${known}`);
  }
  return info;
}

/** The names of every kernel of the loaded addon. */
export function kernelNames(): string[] {
  return [...kernels().keys()];
}
