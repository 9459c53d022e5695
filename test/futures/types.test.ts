// Type-level tests (compiled by `npm run typecheck`): submit checks `args` against `fn` and
// infers the result; map checks items against `fn`'s first parameter; native kernel names and
// arities are checked. Each `@ts-expect-error` proves a misuse does not compile (tsc fails if
// the line compiles). The runtime assertions only make vitest run the file.
import {
  asCompleted,
  type Future,
  NativePoolExecutor,
  type TaskArgs,
  type TaskItem,
  type TaskResult,
  wait,
  type YieldedFuture,
} from 'nogil/futures';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { InlineExecutor } from './inline-executor.js';

const inline = new InlineExecutor();
const native = new NativePoolExecutor({ maxWorkers: 1 });
afterAll(async () => {
  await Promise.all([inline.shutdown(), native.shutdown()]);
});

describe('types: function tasks (ThreadPoolExecutor / ProcessPoolExecutor shape)', () => {
  it('submit checks the arguments against fn and infers the result', async () => {
    const f = inline.submit((a: number, b: string) => a + b.length, 1, 'xy');
    expectTypeOf(f).toEqualTypeOf<Future<number>>();
    expect(await f).toBe(3);
    // An async task's future gives the awaited value.
    expectTypeOf(inline.submit(async (n: number) => String(n), 5)).toEqualTypeOf<Future<string>>();
    expectTypeOf(inline.submitWith({}, (s: string) => s.length, 'abc')).toEqualTypeOf<Future<number>>();
    // Optional and rest parameters follow fn.
    inline.submit((a: number, b?: number) => a + (b ?? 0), 1);
    inline.submit((...xs: number[]) => xs.length, 1, 2, 3);
    // @ts-expect-error: arguments of the wrong type
    inline.submit((a: number, b: string) => a + b, 'xy', 1);
    // @ts-expect-error: a missing argument
    inline.submit((a: number, b: string) => a + b, 1);
    // @ts-expect-error: an extra argument
    inline.submit((a: number) => a, 1, 2);
    // @ts-expect-error: not a task at all
    expect(() => inline.submit(42, 1)).toThrow(TypeError);
  });

  it('map checks each item against fn’s first parameter and yields its result', async () => {
    const gcd = ([a, b]: [number, number]): number => (b === 0 ? a : gcd([b, a % b]));
    const it = inline.map(gcd, [
      [12, 18],
      [7, 21],
    ]);
    expectTypeOf(it).toEqualTypeOf<AsyncIterableIterator<number>>();
    const out: number[] = [];
    for await (const g of it) out.push(g);
    expect(out).toEqual([6, 7]);
    // @ts-expect-error: an item that is not fn's parameter
    void inline.map(gcd, [[12, '18']]);
    // @ts-expect-error: map takes one iterable of items, not spread arguments
    expect(() => inline.map((a: number, b: number) => a + b, [1, 2], [3, 4])).toThrow(TypeError);
  });

  it('a { module, name } task is untyped: any arguments, an unknown result', () => {
    type M = { module: string; name: string };
    expectTypeOf<TaskArgs<M>>().toEqualTypeOf<unknown[]>();
    expectTypeOf<TaskResult<M>>().toEqualTypeOf<unknown>();
    expectTypeOf<TaskItem<M>>().toEqualTypeOf<unknown>();
  });
});

describe('types: native kernels (NativePoolExecutor)', () => {
  it('kernel names and arities are checked; results are inferred', async () => {
    expectTypeOf(native.submit('gcd', 12, 18)).toEqualTypeOf<Future<number>>();
    expectTypeOf(native.submit('bruteGcd', 12, 18)).toEqualTypeOf<Future<number>>();
    expectTypeOf(native.submit('factorize', 12)).toEqualTypeOf<Future<number[]>>();
    expectTypeOf(native.submit('sleep', 1)).toEqualTypeOf<Future<undefined>>();
    expect(await native.submit('factorize', 6)).toEqual([1, 2, 3, 6]);
    // @ts-expect-error: a typo in the kernel name
    expect(() => native.submit('gdc', 12, 18)).toThrow(TypeError);
    // @ts-expect-error: too few arguments for a two-argument kernel
    expect(() => native.submit('gcd', 12)).toThrow(TypeError);
    // @ts-expect-error: too many for a one-argument kernel
    expect(() => native.submit('factorize', 12, 1)).toThrow(TypeError);
    // @ts-expect-error: kernels take numbers
    expect(() => native.submit('gcd', '12', 18)).toThrow(TypeError);
    // @ts-expect-error: a function is not a kernel
    expect(() => native.submit((a: number) => a, 1)).toThrow(TypeError);
  });

  it('map items are tuples for two-argument kernels, numbers or 1-tuples for one-argument ones', () => {
    expectTypeOf(native.map('gcd', [[12, 18]])).toEqualTypeOf<AsyncIterableIterator<number>>();
    expectTypeOf(native.map('factorize', [12, [6]])).toEqualTypeOf<AsyncIterableIterator<number[]>>();
    // @ts-expect-error: a 1-tuple for a two-argument kernel
    expect(() => native.map('gcd', [[12]])).toThrow(TypeError);
    // @ts-expect-error: a bare number for a two-argument kernel
    expect(() => native.map('bruteGcd', [12])).toThrow(TypeError);
    // @ts-expect-error: an unknown kernel
    expect(() => native.map('factorise', [12])).toThrow(TypeError);
  });
});

describe('types: wait and asCompleted', () => {
  it('asCompleted yields Futures in TypeScript too (for await does not unwrap them)', async () => {
    const fs = [native.submit('gcd', 4, 6), native.submit('gcd', 9, 6)];
    const byFuture = new Map<Future<number>, string>(fs.map((f, i) => [f, `task ${i}`]));
    const names: string[] = [];
    for await (const f of asCompleted(fs)) {
      expectTypeOf(f).toEqualTypeOf<YieldedFuture<number>>();
      expectTypeOf(f).toMatchTypeOf<Future<number>>();
      expectTypeOf(f.result()).toEqualTypeOf<Promise<number>>();
      names.push(byFuture.get(f)!);
      expect([2, 3]).toContain(await f.result());
    }
    expect(names.sort()).toEqual(['task 0', 'task 1']);
  });

  it('futures of different result types (and executors) mix without annotations', async () => {
    const n = native.submit('gcd', 12, 18);
    const list = native.submit('factorize', 6);
    const s = inline.submit((x: number) => String(x), 3);
    const { done } = await wait([n, list, s]);
    expectTypeOf(done).toEqualTypeOf<Set<Future<number> | Future<number[]> | Future<string>>>();
    expect(done.size).toBe(3);
    const seen: unknown[] = [];
    for await (const f of asCompleted([n, list, s])) {
      expectTypeOf(f.result()).toEqualTypeOf<Promise<number> | Promise<number[]> | Promise<string>>();
      seen.push(await f.result());
    }
    expect(seen).toHaveLength(3);
  });

  it('wait keeps the futures’ type', async () => {
    const f = native.submit('factorize', 4);
    const { done, notDone } = await wait([f]);
    expectTypeOf(done).toEqualTypeOf<Set<Future<number[]>>>();
    expectTypeOf(notDone).toEqualTypeOf<Set<Future<number[]>>>();
    expect(done.has(f)).toBe(true);
    // An awaited Future gives its result type.
    expectTypeOf(await f).toEqualTypeOf<number[]>();
  });
});
