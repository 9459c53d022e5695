import { availableParallelism } from 'node:os';
import { js, NativePool, RuntimeError } from 'nogil';
import { afterEach, describe, expect, it } from 'vitest';
import { int, rng } from '../helpers/random.js';

const tutorial: Array<[number, number]> = [
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
];
const twelve = [...tutorial, ...tutorial, ...tutorial];

const pools: NativePool[] = [];
function pool(threads?: number): NativePool {
  const p = new NativePool(threads === undefined ? {} : { threads });
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('NativePool', () => {
  it('defaults to os.availableParallelism() threads', () => {
    expect(pool().size).toBe(availableParallelism());
    expect(pool(3).size).toBe(3);
  });

  it('submit runs each kernel and resolves its result', async () => {
    const p = pool(2);
    expect(await p.submit('bruteGcd', 324435212, 23342412)).toBe(4);
    expect(await p.submit('gcd', 0, 5)).toBe(5);
    expect(await p.submit('factorize', 12)).toEqual([1, 2, 3, 4, 6, 12]);
    expect(await p.submit('sleep', 1)).toBeUndefined();
  });

  it('map over the tutorial’s 12 pairs returns the notebook’s results in order', async () => {
    expect(await pool(2).map('bruteGcd', twelve)).toEqual([1, 4, 1, 10, 1, 4, 1, 10, 1, 4, 1, 10]);
  });

  it('map accepts tuples, bare numbers, iterables and flat typed arrays', async () => {
    const p = pool(2);
    expect(
      await p.map('gcd', [
        [12, 18],
        [0, 5],
      ]),
    ).toEqual([6, 5]);
    expect(await p.map('gcd', new Uint32Array([12, 18, 0, 5]))).toEqual(new Float64Array([6, 5]));
    expect(await p.map('gcd', new Float64Array([2 ** 52, 2 ** 50]))).toEqual(new Float64Array([2 ** 50]));
    expect(await p.map('factorize', [6, [12], 0])).toEqual([[1, 2, 3, 6], [1, 2, 3, 4, 6, 12], []]);
    // Typed in, typed out for number kernels; lists and voids stay arrays.
    const typed = await p.map('bruteGcd', new Uint32Array([12, 18]));
    expect(typed).toBeInstanceOf(Float64Array);
    expect(await p.map('factorize', new Uint8Array([6, 1]))).toEqual([[1, 2, 3, 6], [1]]);
    expect(await p.map('sleep', new Uint8Array([1]))).toEqual([undefined]);
    const plain = await p.map('gcd', [[12, 18]]);
    expect(Array.isArray(plain)).toBe(true);
    function* gen(): Generator<[number, number]> {
      yield [9, 6];
      yield [10, 4];
    }
    expect(await p.map('bruteGcd', gen())).toEqual([3, 2]);
    expect(await p.map('gcd', [])).toEqual([]);
    expect(await p.map('sleep', [1, 1])).toEqual([undefined, undefined]);
  });

  it('map copies a view over a SharedArrayBuffer (read atomically) and any typed array kind', async () => {
    const p = pool(2);
    const shared = new Uint32Array(new SharedArrayBuffer(4 * 6));
    shared.set([12, 18, 0, 5, 9, 6]);
    expect(await p.map('gcd', shared)).toEqual(new Float64Array([6, 5, 3]));
    const offset = new Float64Array(new SharedArrayBuffer(8 * 5), 8, 4);
    offset.set([2 ** 40, 2 ** 41, 7, 21]);
    expect(await p.map('gcd', offset)).toEqual(new Float64Array([2 ** 40, 7]));
    for (const Kind of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Float32Array]) {
      expect(await p.map('gcd', new Kind([12, 18, 100, 75]))).toEqual(new Float64Array([6, 25]));
    }
  });

  it('map of many inputs agrees with the plain TypeScript kernel, in input order', async () => {
    const next = rng(42);
    const inputs: Array<[number, number]> = Array.from({ length: 50_000 }, () => [
      int(next, 1_000_000),
      int(next, 1_000_000),
    ]);
    const out = await pool(2).map('gcd', inputs);
    expect(out).toEqual(inputs.map(([a, b]) => js.gcd(a, b)));
  });

  it('maps of tuples made in one tick each get their own inputs (the flat copy is reused)', async () => {
    const p = pool(2);
    const sizes = [3000, 10, 2000, 1];
    const inputs = sizes.map((n, k) => Array.from({ length: n }, (_, i): [number, number] => [i * (k + 2), 6]));
    const outs = await Promise.all(inputs.map((list) => p.map('gcd', list)));
    outs.forEach((out, k) => {
      expect(out).toEqual(inputs[k]!.map(([a, b]) => js.gcd(a, b)));
    });
  });

  it('many concurrent submits all resolve with their own results', async () => {
    const p = pool(2);
    for (let round = 0; round < 5; round++) {
      const n = 20_000;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => p.submit('gcd', i * 6, 12)));
      results.forEach((r, i) => {
        expect(r).toBe(js.gcd(i * 6, 12));
      });
    }
  });

  it('runs tasks in parallel on distinct OS threads', async () => {
    // Four 150 ms blocking sleeps on four threads overlap; run serially they would take 600 ms.
    const p = pool(4);
    const started = performance.now();
    await Promise.all([1, 2, 3, 4].map(() => p.submit('sleep', 150)));
    expect(performance.now() - started).toBeLessThan(450);
  });

  it('never blocks the event loop: a timer keeps ticking while the pool is busy', async () => {
    const p = pool(2);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    // About half a second of work per thread.
    await Promise.all([p.map('sleep', [250, 250, 250, 250]), p.submit('bruteGcd', 324435212, 23342412)]);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // A blocked loop would tick at most once; a free one ticks about elapsed / 5 times.
    expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
  });

  it('close() lets queued work finish, then joins; submitting after close rejects', async () => {
    const p = new NativePool({ threads: 1 });
    const queued = [p.submit('sleep', 30), p.submit('gcd', 12, 18), p.map('gcd', [[4, 6]])];
    const closing = p.close();
    expect(p.closed).toBe(true);
    await expect(Promise.all(queued)).resolves.toEqual([undefined, 6, [2]]);
    await closing;
    await expect(p.submit('gcd', 1, 2)).rejects.toBeInstanceOf(RuntimeError);
    await expect(p.submit('gcd', 1, 2)).rejects.toMatchObject({ code: 'ERR_NATIVE_POOL_CLOSED' });
    await expect(p.map('gcd', [[1, 2]])).rejects.toBeInstanceOf(RuntimeError);
    // Idempotent, like Python's shutdown().
    await expect(p.close()).resolves.toBeUndefined();
  });

  it('await close() never resolves before a map() or submit() made earlier has settled', async () => {
    for (let round = 0; round < 100; round++) {
      const p = new NativePool({ threads: 1 + (round % 2) });
      const settled: string[] = [];
      p.map('gcd', [[12, 18]]).then(() => settled.push('map'));
      p.map('gcd', [[1, -1]]).catch(() => settled.push('bad map'));
      p.submit('gcd', 4, 6).then(() => settled.push('submit'));
      p.map('factorize', []).then(() => settled.push('empty map'));
      await p.close();
      expect(settled.sort()).toEqual(['bad map', 'empty map', 'map', 'submit']);
    }
  });

  it('Symbol.asyncDispose closes the pool', async () => {
    const p = new NativePool({ threads: 1 });
    await p[Symbol.asyncDispose]();
    expect(p.closed).toBe(true);
    await expect(p.submit('gcd', 1, 2)).rejects.toThrow(/closed/);
  });

  it('creating and closing many pools leaks no threads', async () => {
    for (let i = 0; i < 50; i++) {
      const p = new NativePool({ threads: 2 });
      expect(await p.submit('gcd', i, 6)).toBe(js.gcd(i, 6));
      await p.close();
    }
  });
});

describe('NativePool: bad input rejects clearly and leaves the pool working', () => {
  it('rejects bad options', () => {
    expect(() => new NativePool({ threads: 0 })).toThrowError(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new NativePool({ threads: 1.5 })).toThrowError(RangeError);
    expect(() => new NativePool({ threads: '2' as unknown as number })).toThrowError(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new NativePool(null as unknown as object)).toThrowError(TypeError);
  });

  it('rejects unknown kernels with ERR_INVALID_ARG_VALUE and non-strings with ERR_INVALID_ARG_TYPE', async () => {
    const p = pool(1);
    await expect(p.submit('nope' as 'gcd', 1, 2)).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
    });
    await expect(p.submit(42 as unknown as 'gcd', 1, 2)).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(p.map('nope' as 'gcd', [])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('rejects bad arguments per task, with Node’s codes', async () => {
    const p = pool(1);
    const submit = p.submit.bind(p) as (k: string, ...a: unknown[]) => Promise<unknown>;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1.5, -1, 2 ** 53]) {
      await expect(submit('gcd', bad, 1)).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    }
    for (const bad of ['12', null, undefined, {}, [3]]) {
      await expect(submit('gcd', 1, bad)).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    }
    await expect(submit('gcd', 1)).rejects.toMatchObject({ name: 'TypeError' });
    await expect(submit('gcd', 1, 2, 3)).rejects.toMatchObject({ name: 'TypeError' });
    // The pool still works after every refusal.
    expect(await p.submit('gcd', 12, 18)).toBe(6);
  });

  it('map names the offending input', async () => {
    const p = pool(1);
    await expect(
      p.map('gcd', [
        [1, 2],
        [3, -1],
      ]),
    ).rejects.toThrow('"inputs[1][1]"');
    await expect(p.map('gcd', new Float64Array([1, 2, 3, 1.5]))).rejects.toThrow('"inputs[1][1]"');
    await expect(p.map('factorize', [1, 'x' as unknown as number])).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(p.map('gcd', [[1]] as unknown as Array<[number, number]>)).rejects.toMatchObject({
      name: 'TypeError',
    });
    await expect(p.map('gcd', new Uint32Array([1, 2, 3]))).rejects.toMatchObject({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
    });
    await expect(p.map('gcd', new BigUint64Array(2) as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(p.map('gcd', 5 as unknown as [])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(p.map('gcd', new DataView(new ArrayBuffer(8)) as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(await p.map('gcd', [[12, 18]])).toEqual([6]);
  });
});
