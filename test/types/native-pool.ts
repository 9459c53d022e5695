// Type-level tests of NativePool, checked by `npm run typecheck` (tsc over test/, never run):
// every line under `@ts-expect-error` must fail to compile, or tsc reports the directive as
// unused; every `expectType` must hold exactly.
import type { KernelName, NativePool } from 'nogil/native';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

export function typeTests(pool: NativePool, name: string, kernel: KernelName): void {
  // Kernel names and arities are checked.
  // @ts-expect-error: no such kernel
  void pool.submit('nope', 1);
  // @ts-expect-error: gcd takes two numbers
  void pool.submit('gcd', 1);
  // @ts-expect-error: gcd takes two numbers
  void pool.submit('gcd', 1, 2, 3);
  // @ts-expect-error: numbers only
  void pool.submit('gcd', 1, '2');
  // @ts-expect-error: a plain string is not a kernel name
  void pool.submit(name, 1, 2);
  // @ts-expect-error: factorize takes one number
  void pool.submit('factorize', 1, 2);
  // @ts-expect-error: no such kernel
  void pool.map('nope', [[1, 2]]);
  // @ts-expect-error: a plain string is not a kernel name
  void pool.map(name, [[1, 2]]);
  // @ts-expect-error: gcd inputs are pairs
  void pool.map('gcd', [[1]]);
  // @ts-expect-error: gcd inputs are pairs, not bare numbers
  void pool.map('gcd', [1, 2]);
  // @ts-expect-error: BigInt arrays are refused
  void pool.map('gcd', new BigUint64Array(2));
  // @ts-expect-error: a DataView is not a typed array
  void pool.map('gcd', new DataView(new ArrayBuffer(8)));
  // @ts-expect-error: the signal must be an AbortSignal
  void pool.submitWith({ signal: 'soon' }, 'gcd', 1, 2);
  // @ts-expect-error: gcd takes two numbers
  void pool.submitWith({}, 'gcd', 1);
  // @ts-expect-error: unknown option
  void pool.map('gcd', [[1, 2]], { signa: AbortSignal.abort() });

  // Results are as narrow as the kernel and the input.
  expectType<Equal<ReturnType<typeof pool.submit<'gcd'>>, Promise<number>>>();
  const gcd = pool.submit('gcd', 1, 2);
  expectType<Equal<typeof gcd, Promise<number>>>();
  const divisors = pool.submit('factorize', 12);
  expectType<Equal<typeof divisors, Promise<number[]>>>();
  const slept = pool.submitWith({ signal: AbortSignal.timeout(10) }, 'sleep', 1);
  expectType<Equal<typeof slept, Promise<undefined>>>();
  const typed = pool.map('gcd', new Uint32Array([12, 18]));
  expectType<Equal<typeof typed, Promise<Float64Array>>>();
  const tuples = pool.map('bruteGcd', [[12, 18]] as const);
  expectType<Equal<typeof tuples, Promise<number[]>>>();
  const lists = pool.map('factorize', new Uint8Array([6]));
  expectType<Equal<typeof lists, Promise<number[][]>>>();
  const bare = pool.map('factorize', [6, [12]]);
  expectType<Equal<typeof bare, Promise<number[][]>>>();
  const voids = pool.map('sleep', new Uint8Array([1]), { signal: AbortSignal.timeout(10) });
  expectType<Equal<typeof voids, Promise<undefined[]>>>();
  // A value typed as any kernel name compiles, with the widest result.
  void pool.map(kernel, new Float64Array(2));
}
