// map() on every executor kind (CPython 3.14's ExecutorTest map tests): input order, chunksize,
// buffersize as a bound on run-ahead (proved by counting what was pulled from the input and
// what the executor accepted, never by sleeping), a timeout counted from the call, early exit
// cancelling the rest, an error at its position, and option validation.
import { RuntimeError, TimeoutError, ValueError } from 'nogil/futures';
import { describe, expect, it } from 'vitest';
import { kinds } from '../kinds/index.js';
import type { ExecutorKind } from '../kinds/kind.js';
import { accepted, asMap, collect, executors, gcd, map } from './helpers.js';

const PAIRS = Array.from({ length: 10 }, (_, i) => [i * 6 + 4, i * 4 + 6] as const);
const REF = PAIRS.map(([a, b]) => gcd(a, b));

function items(kind: ExecutorKind, pairs: ReadonlyArray<readonly [number, number]> = PAIRS): unknown[] {
  return pairs.map(([a, b]) => kind.mapGcd.item(a, b));
}

/** An iterable that counts how many items were pulled from it. */
function counted<T>(source: Iterable<T>): { iterable: Iterable<T>; pulled: () => number } {
  let pulled = 0;
  return {
    iterable: {
      *[Symbol.iterator]() {
        for (const x of source) {
          pulled++;
          yield x;
        }
      },
    },
    pulled: () => pulled,
  };
}

describe.each(kinds)('$name: map results', (kind) => {
  const create = executors(kind);

  it('come in input order (CPython test_map)', async () => {
    const executor = create({ maxWorkers: 2 });
    expect(await collect(map(executor, kind.mapGcd.fn, items(kind)))).toEqual(REF);
  });

  it('are the same for every chunksize x buffersize (CPython test_map_buffersize)', async () => {
    const executor = create({ maxWorkers: 2 });
    for (const buffersize of [undefined, 1, 2, 9, 10, 11]) {
      for (const chunksize of [1, 2, 3, 9, 10, 11]) {
        const got = await collect(map(executor, kind.mapGcd.fn, items(kind), { chunksize, buffersize }));
        expect(got, `chunksize ${chunksize}, buffersize ${buffersize}`).toEqual(REF);
      }
    }
  });

  it('are in input order even when later tasks finish first', async () => {
    const executor = create({ maxWorkers: 2 });
    const { fn } = asMap(kind.sleep(1));
    const delays = [120, 10, 60, 1, 30, 0];
    const out = await collect(
      map(
        executor,
        fn,
        delays.map((ms) => asMap(kind.sleep(ms)).item),
      ),
    );
    expect(out).toEqual(delays.map(() => undefined));
    const gcds = await collect(
      map(
        executor,
        kind.mapGcd.fn,
        items(kind, [
          [543456, 43523465],
          [1, 1],
          [12, 18],
        ]),
      ),
    );
    expect(gcds).toEqual([1, 1, 6]);
  });

  it.each([1, 2, 3])(
    'next() called again before the last one settled keeps input order (chunksize %i)',
    async (chunksize) => {
      const executor = create({ maxWorkers: 2 });
      const { fn } = asMap(kind.sleep(0));
      // The first chunk is the slowest: a second call must not overtake it.
      const delays = [80, 0, 0, 0, 0, 0, 0];
      const it = map(
        executor,
        fn,
        delays.map((ms) => asMap(kind.sleep(ms)).item),
        { chunksize },
      );
      const calls = delays.map(() => it.next());
      expect((await Promise.all(calls)).every((r) => r.done === false)).toBe(true);
      const gcds = map(executor, kind.mapGcd.fn, items(kind), { chunksize, buffersize: 2 });
      const results = await Promise.all([...REF, 0].map(() => gcds.next()));
      expect(results.map((r) => r.value)).toEqual([...REF, undefined]);
      expect(results.at(-1)!.done).toBe(true);
    },
  );

  it('an empty input ends at once, with or without buffersize', async () => {
    const executor = create({ maxWorkers: 1 });
    expect(await collect(map(executor, kind.mapGcd.fn, []))).toEqual([]);
    expect(await collect(map(executor, kind.mapGcd.fn, [], { buffersize: 2, chunksize: 3 }))).toEqual([]);
    expect(accepted(executor)).toBe(0);
  });

  it('map is eager: every task is submitted at the call, before the first next()', () => {
    const executor = create({ maxWorkers: 1 });
    const source = counted(items(kind));
    map(executor, kind.mapGcd.fn, source.iterable);
    expect(source.pulled()).toBe(10);
    expect(accepted(executor)).toBe(10);
  });

  it('an array is iterated as its own iterator says (a patched Symbol.iterator wins)', async () => {
    const executor = create({ maxWorkers: 2 });
    const patched = items(kind);
    const [first, second] = patched;
    Object.defineProperty(patched, Symbol.iterator, {
      *value() {
        yield second;
        yield first;
      },
    });
    for (const chunksize of [1, 3]) {
      expect(await collect(map(executor, kind.mapGcd.fn, patched, { chunksize }))).toEqual([REF[1], REF[0]]);
    }
  });

  it('an array shortened by one of its own index getters ends where its iterator would', async () => {
    const executor = create({ maxWorkers: 2 });
    for (const chunksize of [1, 4, 20]) {
      const source = items(kind);
      const third = source[2];
      Object.defineProperty(source, 2, {
        configurable: true,
        get() {
          source.length = 3;
          return third;
        },
      });
      expect(await collect(map(executor, kind.mapGcd.fn, source, { chunksize })), `chunksize ${chunksize}`).toEqual(
        REF.slice(0, 3),
      );
    }
  });

  it('an array lengthened by one of its own index getters yields the new items, in the same chunk too', async () => {
    const executor = create({ maxWorkers: 2 });
    for (const chunksize of [1, 4, 20]) {
      const all = items(kind);
      const source = all.slice(0, 3);
      const third = source[2];
      Object.defineProperty(source, 2, {
        configurable: true,
        get() {
          if (source.length === 3) source.push(...all.slice(3));
          return third;
        },
      });
      expect(await collect(map(executor, kind.mapGcd.fn, source, { chunksize })), `chunksize ${chunksize}`).toEqual(
        REF,
      );
    }
  });

  it('an array that grows while a buffered map pulls from it yields the new items too', async () => {
    const executor = create({ maxWorkers: 2 });
    const source = items(kind).slice(0, 3);
    const out: unknown[] = [];
    for await (const g of map(executor, kind.mapGcd.fn, source, { buffersize: 1 })) {
      out.push(g);
      if (source.length < 6) source.push(items(kind)[source.length]);
    }
    expect(out).toEqual(REF.slice(0, 6));
  });
});

describe.each(kinds)('$name: map chunksize', (kind) => {
  const create = executors(kind);

  it('one task per chunk: 10 items in chunks of 4 are 3 tasks', async () => {
    const executor = create({ maxWorkers: 2 });
    expect(await collect(map(executor, kind.mapGcd.fn, items(kind), { chunksize: 4 }))).toEqual(REF);
    expect(executor.stats()).toMatchObject({ completed: 3, running: 0, queued: 0 });
  });

  it('a chunk larger than the input is one task', async () => {
    const executor = create({ maxWorkers: 2 });
    expect(await collect(map(executor, kind.mapGcd.fn, items(kind), { chunksize: 1000 }))).toEqual(REF);
    expect(executor.stats().completed).toBe(1);
  });
});

describe.each(kinds)('$name: map buffersize', (kind) => {
  const create = executors(kind);

  it.each([1, 2, 5])('buffersize %i pulls only that many items ahead of the consumer', async (buffersize) => {
    const executor = create({ maxWorkers: 2 });
    const source = counted(items(kind));
    const it = map(executor, kind.mapGcd.fn, source.iterable, { buffersize });
    expect(source.pulled()).toBe(buffersize);
    expect(accepted(executor)).toBe(buffersize);
    const got: unknown[] = [];
    for (let k = 1; k <= 4; k++) {
      got.push((await it.next()).value);
      // next() submits one more before it waits (as CPython), so the window stays full.
      expect(source.pulled()).toBe(Math.min(10, buffersize + k));
      expect(accepted(executor)).toBe(Math.min(10, buffersize + k));
    }
    for await (const value of it) got.push(value);
    expect(got).toEqual(REF);
  });

  it('buffersize counts chunks: buffersize 2 with chunksize 3 pulls 6 items', async () => {
    const executor = create({ maxWorkers: 2 });
    const source = counted(items(kind));
    const it = map(executor, kind.mapGcd.fn, source.iterable, { buffersize: 2, chunksize: 3 });
    expect(source.pulled()).toBe(6);
    expect(accepted(executor)).toBe(2);
    expect((await it.next()).value).toBe(REF[0]);
    expect(source.pulled()).toBe(9);
    expect(await collect(it)).toEqual(REF.slice(1));
  });

  it('works on an endless input (CPython test_map_buffersize_on_infinite_iterable)', async () => {
    const executor = create({ maxWorkers: 2 });
    function* endless(): Generator<unknown> {
      for (let i = 1; ; i++) yield kind.mapGcd.item(i * 2, 4);
    }
    const it = map(executor, kind.mapGcd.fn, endless(), { buffersize: 2 });
    const first = [(await it.next()).value, (await it.next()).value, (await it.next()).value];
    expect(first).toEqual([2, 4, 2]);
    await it.return?.();
    expect((await it.next()).done).toBe(true);
  });

  it('the executor saw only buffersize tasks when nobody consumes (CPython test_map_buffersize_when_buffer_is_full)', async () => {
    const executor = create({ maxWorkers: 1 });
    const source = items(kind)[Symbol.iterator]();
    map(executor, kind.mapGcd.fn, { [Symbol.iterator]: () => source }, { buffersize: 2 });
    await executor.shutdown({ wait: true });
    expect(executor.stats().completed).toBe(2);
    expect(source.next().value).toEqual(kind.mapGcd.item(...PAIRS[2]!));
  });

  it('a shutdown while buffered makes the next refill throw RuntimeError', async () => {
    const executor = create({ maxWorkers: 1 });
    const it = map(executor, kind.mapGcd.fn, items(kind), { buffersize: 2 });
    await executor.shutdown({ wait: false });
    await expect(it.next()).rejects.toThrow(RuntimeError);
    expect((await it.next()).done).toBe(true);
  });
});

describe.each(kinds)('$name: map timeout and early exit', (kind) => {
  const create = executors(kind);

  it('throws TimeoutError once `timeout` ms from the call have passed (CPython test_map_timeout)', async () => {
    const executor = create({ maxWorkers: 1 });
    const { fn } = asMap(kind.sleep(0));
    const delays = [0, 0, 1500];
    const it = map(
      executor,
      fn,
      delays.map((ms) => asMap(kind.sleep(ms)).item),
      { timeout: 400 },
    );
    const results: unknown[] = [];
    const started = performance.now();
    let error: unknown;
    try {
      for await (const r of it) results.push(r);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(1400);
    // gh-110097: a loaded machine may not even finish the quick ones in time.
    expect([[undefined, undefined], [undefined], []]).toContainEqual(results);
    // The remaining calls are cancelled, so the iterator is finished.
    expect((await it.next()).done).toBe(true);
  });

  it('the timeout counts from the call, not from the first next()', async () => {
    const executor = create({ maxWorkers: 1 });
    const { fn, item } = asMap(kind.sleep(600));
    const it = map(executor, fn, [item], { timeout: 100 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const started = performance.now();
    await expect(it.next()).rejects.toThrow(TimeoutError);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('breaking out of the loop cancels the tasks not started yet', async () => {
    for (let round = 0; round < 3; round++) {
      const executor = create({ maxWorkers: 1 });
      const { fn, item } = asMap(kind.sleep(40));
      for await (const _ of map(executor, fn, Array(12).fill(item))) break;
      await executor.shutdown();
      const s = executor.stats();
      expect(s.completed + s.cancelled).toBe(12);
      // The first task, plus at most the worker's task and one handed ahead.
      expect(s.completed).toBeLessThanOrEqual(3);
    }
  });

  it('return() ends the iteration and cancels the chunks not started', async () => {
    const executor = create({ maxWorkers: 1 });
    const { fn, item } = asMap(kind.sleep(30));
    const it = map(executor, fn, Array(12).fill(item), { chunksize: 2 });
    expect((await it.next()).value).toBeUndefined();
    await it.return?.();
    expect((await it.next()).done).toBe(true);
    await executor.shutdown();
    const s = executor.stats();
    expect(s.completed + s.cancelled).toBe(6);
    expect(s.completed).toBeLessThanOrEqual(3);
  });
});

describe.each(kinds.filter((k) => k.mapMaybeFail))('$name: map with a failing task', (kind) => {
  const create = executors(kind);

  it.each([1, 3])('throws the error at its position, then ends (chunksize %i)', async (chunksize) => {
    const executor = create({ maxWorkers: 1 });
    const { fn, item } = kind.mapMaybeFail!;
    const it = map(executor, fn, [item(1), item(2), item(3, 'bad item'), item(4), item(5), item(6), item(7)], {
      chunksize,
    });
    // A failing item fails its whole chunk, which throws at the chunk's first position (as
    // CPython's process pool: the chunk's results are never yielded).
    if (chunksize === 1) {
      expect((await it.next()).value).toBe(1);
      expect((await it.next()).value).toBe(2);
    }
    await expect(it.next()).rejects.toThrow(expect.objectContaining({ name: 'RangeError', message: 'bad item' }));
    expect((await it.next()).done).toBe(true);
  });
});

describe.each(kinds)('$name: map input validation', (kind) => {
  const create = executors(kind);

  it.each([5, null, undefined, {}, () => [1]])('a non-iterable (%s) is a TypeError at the call', (bad) => {
    const executor = create({ maxWorkers: 1 });
    expect(() => executor.map(kind.mapGcd.fn, bad as never)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  const errors = { ValueError, RangeError, TypeError };
  it.each([
    ['chunksize', 0, 'ValueError'],
    ['chunksize', -1, 'ValueError'],
    ['chunksize', 1.5, 'RangeError'],
    ['chunksize', '2', 'TypeError'],
    ['buffersize', 0, 'ValueError'],
    ['buffersize', -1, 'ValueError'],
    ['buffersize', 2.5, 'RangeError'],
    ['buffersize', 'foo', 'TypeError'],
    ['timeout', -1, 'ValueError'],
    ['timeout', '1', 'TypeError'],
  ] as const)('%s %j is a %s at the call, and nothing is submitted', (option, value, name) => {
    const Cls = errors[name];
    const executor = create({ maxWorkers: 1 });
    const source = counted(items(kind));
    expect(() => map(executor, kind.mapGcd.fn, source.iterable, { [option]: value })).toThrow(Cls);
    expect(source.pulled()).toBe(0);
    expect(accepted(executor)).toBe(0);
  });

  it('an unknown option is a TypeError ERR_INVALID_ARG_VALUE', () => {
    const executor = create({ maxWorkers: 1 });
    expect(() => map(executor, kind.mapGcd.fn, [], { chunkSize: 2 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('an input whose iteration throws: map throws it and cancels what it had submitted', async () => {
    const executor = create({ maxWorkers: 1 });
    const { fn, item } = asMap(kind.sleep(100));
    function* broken(): Generator<unknown> {
      for (let i = 0; i < 4; i++) yield item;
      throw new Error('input broke');
    }
    expect(() => map(executor, fn, broken())).toThrow('input broke');
    await executor.shutdown();
    const s = executor.stats();
    expect(s.completed + s.cancelled).toBe(4);
    expect(s.cancelled).toBeGreaterThanOrEqual(1);
  });
});
