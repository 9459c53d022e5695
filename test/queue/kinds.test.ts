import { Empty, LifoQueue, PriorityQueue, Queue, SimpleQueue, ValueError } from 'nogil/queue';
import { describe, expect, test } from 'vitest';
import { joinAll, spawn } from '../helpers/threading.js';

describe('LifoQueue', () => {
  test('returns the most recently put item first, with the Queue API', async () => {
    const q = new LifoQueue<number>(3);
    expect(q).toBeInstanceOf(Queue);
    for (const i of [1, 2, 3]) await q.put(i);
    expect(q.full()).toBe(true);
    expect([await q.get(), q.getNowait(), await q.get()]).toEqual([3, 2, 1]);
    expect(() => q.getNowait()).toThrow(Empty);
  });

  test('keeps LIFO order for items put by a worker', async () => {
    const q = new LifoQueue<string>();
    const t = spawn({
      target: (queue: LifoQueue<string>) => {
        for (const s of ['a', 'bb', 'ccc', { big: 'x'.repeat(70_000) }.big]) queue.putSync(s);
      },
      args: [q],
    });
    await joinAll([t]);
    expect((await q.get()).length).toBe(70_000);
    expect([q.getNowait(), q.getNowait(), q.getNowait()]).toEqual(['ccc', 'bb', 'a']);
  });
});

describe('PriorityQueue', () => {
  test('orders numbers numerically (negative, fractional, infinite)', () => {
    const q = new PriorityQueue<number>();
    const items = [5, -1, 3.5, Number.NEGATIVE_INFINITY, 0, 100, -0.25, Number.POSITIVE_INFINITY, 2 ** 60];
    for (const i of items) q.putNowait(i);
    const out = items.map(() => q.getNowait());
    expect(out).toEqual([...items].sort((a, b) => a - b));
  });

  test('orders BigInts exactly, mixed with numbers too (not as their nearest float64)', () => {
    const big = 2n ** 64n;
    const exact = (items: (number | bigint)[]): (number | bigint)[] =>
      [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const cases: (number | bigint)[][] = [
      [big + 1n, big, big - 1n],
      [2n ** 53n + 1n, 2 ** 53, 2n ** 53n - 1n, 2 ** 53 + 2, 2n ** 53n + 3n],
      [-(2n ** 53n) - 1n, -(2 ** 53), -(2n ** 53n) + 1n],
      [10n ** 400n + 1n, 10n ** 400n, Number.POSITIVE_INFINITY, Number.MAX_VALUE, 2n ** 1024n],
      [-(10n ** 400n) - 1n, -(10n ** 400n), Number.NEGATIVE_INFINITY, -Number.MAX_VALUE, -(2n ** 1024n)],
      [0n, -0, 1n, 0.5, -1n, -0.5, 3, 2n],
    ];
    for (const items of cases) {
      const q = new PriorityQueue<number | bigint>();
      for (const i of items) q.putNowait(i);
      expect(items.map(() => q.getNowait())).toEqual(exact(items));
    }
    // Inside tuples as well, and a number equal to a BigInt ties (first in, first out).
    const q = new PriorityQueue<[number | bigint, string]>();
    for (const item of [
      [big + 1n, 'a'],
      [big, 'b'],
      [2 ** 64, 'c'],
      [big, 'd'],
    ] as [bigint | number, string][]) {
      q.putNowait(item);
    }
    expect([q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait()].map(([, s]) => s)).toEqual([
      'b',
      'c',
      'd',
      'a',
    ]);
  });

  test('orders strings by code point, as Python does', () => {
    const q = new PriorityQueue<string>();
    const items = ['b', 'a', 'ab', '', 'B', 'é', '😀', 'a\u0000', '\uffff'];
    for (const s of items) q.putNowait(s);
    const byCodePoint = [...items].sort((x, y) => {
      const a = [...x].map((c) => c.codePointAt(0)!);
      const b = [...y].map((c) => c.codePointAt(0)!);
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return a.length - b.length;
    });
    expect(items.map(() => q.getNowait())).toEqual(byCodePoint);
  });

  test('orders lone surrogates by their code point too, as Python does (and keeps them)', () => {
    const q = new PriorityQueue<string>();
    // Python: sorted() of these gives D7FF, D800, DC00, DFFF, E000, 10000 (and 'a\uD800' < 'a\uDC00').
    for (const s of ['\uE000', '\uDFFF', '\u{10000}', '\uD800', '\uD7FF', '\uDC00', 'a\uDC00', 'a\uD800']) {
      q.putNowait(s);
    }
    const out = Array.from({ length: 8 }, () => q.getNowait());
    expect(out).toEqual(['a\uD800', 'a\uDC00', '\uD7FF', '\uD800', '\uDC00', '\uDFFF', '\uE000', '\u{10000}']);
  });

  test('orders arrays element by element like Python tuples, so [priority, data] pairs work', () => {
    const q = new PriorityQueue<unknown[]>();
    const items = [[2, 'b'], [1, 'z'], [1, 'a'], [1], [0, 'x', 5], [0, 'x'], [2, 'a', [1, 2]], [2, 'a', [1]]];
    for (const i of items) q.putNowait(i);
    expect(items.map(() => q.getNowait())).toEqual([
      [0, 'x'],
      [0, 'x', 5],
      [1],
      [1, 'a'],
      [1, 'z'],
      [2, 'a', [1]],
      [2, 'a', [1, 2]],
      [2, 'b'],
    ]);
  });

  test('equal priorities come out in insertion order, whatever the data', () => {
    const q = new PriorityQueue<[number, { id: number }]>();
    for (let id = 0; id < 20; id++) q.putNowait([id % 2, { id }]);
    const ids = Array.from({ length: 20 }, () => q.getNowait()[1].id);
    expect(ids).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
  });

  test('stays ordered under churn that forces compaction and growth', () => {
    const q = new PriorityQueue<[number, string]>(0, { maxBytes: 64 * 1024 });
    const model: [number, string][] = [];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let step = 0; step < 3_000; step++) {
      if (model.length < 40 || rand() % 3 !== 0) {
        const item: [number, string] = [rand() % 50, 'd'.repeat(rand() % 300)];
        q.putNowait(item);
        model.push(item);
      }
      if (rand() % 2 === 0 && model.length > 0) {
        model.sort((a, b) => a[0] - b[0]);
        const got = q.getNowait();
        expect(got[0]).toBe(model.shift()![0]);
      }
    }
    expect(q.qsize()).toBe(model.length);
  });

  test('order holds for items put by several workers', async () => {
    const q = new PriorityQueue<[number, number]>();
    const producer = (queue: PriorityQueue<[number, number]>, from: number) => {
      for (let i = from; i < from + 200; i++) queue.putSync([(i * 7919) % 1000, i]);
    };
    await joinAll([spawn({ target: producer, args: [q, 0] }), spawn({ target: producer, args: [q, 200] })]);
    const out: number[] = [];
    while (!q.empty()) out.push(q.getNowait()[0]);
    expect(out).toHaveLength(400);
    expect(out).toEqual([...out].sort((a, b) => a - b));
  });
});

describe('SimpleQueue', () => {
  test('unbounded FIFO: put never waits, get/getNowait/empty/qsize as in Python', async () => {
    const q = new SimpleQueue<number>();
    expect(q.empty()).toBe(true);
    for (let i = 0; i < 1_000; i++) await q.put(i, { block: false });
    q.putNowait(1_000);
    expect(q.qsize()).toBe(1_001);
    expect(await q.get()).toBe(0);
    expect(q.getNowait()).toBe(1);
    expect('taskDone' in q).toBe(false);
    await expect(q.get({ timeout: -1 })).rejects.toThrow(ValueError);
    const empty = new SimpleQueue();
    await expect(empty.get({ block: false })).rejects.toThrow(Empty);
    await expect(empty.get({ timeout: 20 })).rejects.toThrow(Empty);
  });

  test('block: false ignores a negative timeout (CPython: Empty, not ValueError)', async () => {
    const q = new SimpleQueue<number>();
    await expect(q.get({ block: false, timeout: -1 })).rejects.toThrow(Empty);
    q.putNowait(7);
    expect(await q.get({ block: false, timeout: -1 })).toBe(7);
    await expect(q.get({ timeout: -1 })).rejects.toThrow(ValueError);
    expect(q.qsize()).toBe(0);
  });

  test('works between a worker and the main thread', async () => {
    const q = new SimpleQueue<string>();
    const t = spawn({ target: (queue: SimpleQueue<string>) => queue.getSync() + queue.getSync(), args: [q] });
    await q.put('a');
    await q.put('b');
    expect(await joinAll([t])).toEqual(['ab']);
  });
});

describe.each([
  ['LifoQueue', () => new LifoQueue<number>(4)],
  ['PriorityQueue', () => new PriorityQueue<number>(4)],
  ['SimpleQueue', () => new SimpleQueue<number>()],
] as const)('%s in every setting', (_name, make) => {
  test('between async tasks on the main thread', async () => {
    const q = make();
    const got: number[] = [];
    const consumer = (async () => {
      for (let i = 0; i < 50; i++) got.push(await q.get());
    })();
    for (let i = 0; i < 50; i++) await q.put(i);
    await consumer;
    expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test('between two workers', async () => {
    const q = make();
    const producer = spawn({
      target: (queue: SimpleQueue<number>) => {
        for (let i = 0; i < 500; i++) queue.putSync(i);
      },
      args: [q],
    });
    const consumer = spawn({
      target: (queue: SimpleQueue<number>) => {
        const out: number[] = [];
        for (let i = 0; i < 500; i++) out.push(queue.getSync());
        return out;
      },
      args: [q],
    });
    const [, got] = (await joinAll([producer, consumer])) as [undefined, number[]];
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});
