// Type-level tests of Thread, checked by `npm run typecheck` (tsc over test/, never run): the
// target's parameters are typed by `args`, `result` by what the target returns, and a mismatch
// does not compile (every line under `@ts-expect-error` must fail, or tsc reports it unused).
import { type Lock, Thread, type Value } from 'nogil/threading';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

export function typeTests(counter: Value<'i'>, lock: Lock): void {
  // The README's example: the arrow's parameters come from `args`.
  const t = new Thread({
    target: (c, l) => {
      l.acquireSync();
      c.value += 1;
      l.release();
      return c.value;
    },
    args: [counter, lock],
  });
  expectType<Equal<typeof t.result, number | undefined>>();

  // An async target's result is awaited.
  const a = new Thread({ target: async (n: number) => String(n), args: [1] });
  expectType<Equal<typeof a.result, string | undefined>>();

  // { module, name } targets take any arguments.
  const m = new Thread({ target: { module: './work.mjs', name: 'run' }, args: [1, 'x'] });
  expectType<Equal<typeof m.result, unknown>>();

  // @ts-expect-error: the target takes a number, args give a string
  new Thread({ target: (n: number) => n * 2, args: ['two'] });
  // @ts-expect-error: the target takes two arguments
  new Thread({ target: (x: number, y: number) => x + y, args: [1] });
  // @ts-expect-error: a Value has no `acquireSync`
  new Thread({ target: (c) => c.acquireSync(), args: [counter] });
}
