import {
  DEFAULT_MAX_BYTES,
  Empty,
  Full,
  LifoQueue,
  PriorityQueue,
  Queue,
  RuntimeError,
  SimpleQueue,
  ValueError,
} from 'nogil/queue';
import { Lock } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { since, sleep } from '../helpers/threading.js';

describe('Queue (Python semantics)', () => {
  test('FIFO order, qsize/empty/full, maxsize', async () => {
    const q = new Queue<number>(3);
    expect(q.maxsize).toBe(3);
    expect(q.empty()).toBe(true);
    expect(q.full()).toBe(false);
    for (const i of [1, 2, 3]) await q.put(i);
    expect(q.qsize()).toBe(3);
    expect(q.full()).toBe(true);
    expect([await q.get(), await q.get(), await q.get()]).toEqual([1, 2, 3]);
    expect(q.empty()).toBe(true);
    expect(new Queue().maxsize).toBe(0);
    expect(new Queue(-5).full()).toBe(false);
  });

  test("maxsize keeps the value given, as Python's attribute does (<= 0: unbounded)", async () => {
    const q = new Queue(-5);
    expect(q.maxsize).toBe(-5);
    for (let i = 0; i < 10; i++) q.putNowait(i);
    expect(q.full()).toBe(false);
    expect(new Queue(-1).maxsize).toBe(-1);
  });

  test('getNowait on an empty queue raises Empty; putNowait on a full one raises Full', () => {
    const q = new Queue(1);
    expect(() => q.getNowait()).toThrow(Empty);
    q.putNowait('a');
    expect(() => q.putNowait('b')).toThrow(Full);
    expect(q.getNowait()).toBe('a');
  });

  test('block: false rejects at once; timeouts reject with Empty/Full within 50 ms', async () => {
    const q = new Queue(1);
    await expect(q.get({ block: false })).rejects.toThrow(Empty);
    let start = performance.now();
    await expect(q.get({ timeout: 100 })).rejects.toThrow(Empty);
    expect(since(start)).toBeGreaterThanOrEqual(99);
    expect(since(start)).toBeLessThan(150);
    await q.put(1);
    await expect(q.put(2, { block: false })).rejects.toThrow(Full);
    start = performance.now();
    await expect(q.put(2, { timeout: 100 })).rejects.toThrow(Full);
    expect(since(start)).toBeGreaterThanOrEqual(99);
    expect(since(start)).toBeLessThan(150);
    expect(q.qsize()).toBe(1);
    start = performance.now();
    await expect(q.put(2, { timeout: 0 })).rejects.toThrow(Full);
    expect(since(start)).toBeLessThan(50);
  });

  test('a negative timeout is a ValueError where Python checks it', async () => {
    const q = new Queue(2);
    await q.put('x');
    await expect(q.get({ timeout: -1 })).rejects.toThrow(ValueError);
    await expect(q.get({ timeout: -1 })).rejects.toThrow("'timeout' must be a non-negative number");
    await expect(q.put('y', { timeout: -1 })).rejects.toThrow(ValueError);
    // Unbounded queue: Python never looks at put's timeout.
    await new Queue().put('z', { timeout: -1 });
    expect(q.qsize()).toBe(1);
  });

  test('a waiting get is woken by a put; a waiting put by a get', async () => {
    const q = new Queue<string>(1);
    const getter = q.get();
    await sleep(20);
    await q.put('hello');
    expect(await getter).toBe('hello');
    await q.put('a');
    const putter = q.put('b');
    await sleep(20);
    expect(q.qsize()).toBe(1);
    expect(await q.get()).toBe('a');
    await putter;
    expect(await q.get()).toBe('b');
  });

  test('taskDone/join count exactly; taskDone too often is a ValueError', async () => {
    const q = new Queue();
    expect(() => q.taskDone()).toThrow(ValueError);
    expect(() => q.taskDone()).toThrow('task_done() called too many times');
    await q.join(); // nothing unfinished
    await q.put(1);
    await q.put(2);
    expect(q.unfinishedTasks).toBe(2);
    let joined = false;
    const joining = q.join().then(() => {
      joined = true;
    });
    await q.get();
    await q.get();
    q.taskDone();
    await sleep(20);
    expect(joined).toBe(false);
    q.taskDone();
    await joining;
    expect(joined).toBe(true);
    expect(() => q.taskDone()).toThrow(ValueError);
  });

  test('...Sync methods throw RuntimeError on the main thread', () => {
    const q = new Queue();
    q.putNowait(1);
    expect(() => q.getSync()).toThrow(RuntimeError);
    expect(() => q.putSync(1)).toThrow(RuntimeError);
    expect(() => q.joinSync()).toThrow(RuntimeError);
    expect(q.qsize()).toBe(1);
  });
});

describe('Queue items', () => {
  test('are structured clones: numbers, strings, objects, Maps, Dates, typed arrays, null, undefined', async () => {
    const q = new Queue();
    const items = [
      0,
      -1.5,
      Number.NaN,
      '',
      'héllo ✓',
      true,
      false,
      null,
      undefined,
      { a: [1, { b: 2n }] },
      new Map([['k', new Set([1])]]),
      new Date(0),
      new Uint8Array([1, 2, 3]),
      [undefined, null],
    ];
    for (const item of items) await q.put(item);
    const out = [];
    for (const _ of items) out.push(await q.get());
    expect(out).toEqual(items);
    const obj = { x: 1 };
    await q.put(obj);
    expect(await q.get()).not.toBe(obj);
  });

  test('come out exactly as structuredClone would make them (fast and general encodings alike)', async () => {
    class Point {
      constructor(
        public x = 1,
        public y = 2,
      ) {}
    }
    const shared = { s: 1 };
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    const withExtra = Object.assign([1, 2], { extra: true });
    const holey = [1, 2, 3];
    delete holey[1]; // a hole
    const items: unknown[] = [
      { id: 1, name: 'item', nested: { list: [1, 'two', null, undefined, true, -0, Number.NaN, 2 ** 40, -7] } },
      { b: 1, a: 2, 10: 'x', 2: 'y' }, // key order: integer keys first, as in the source
      JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'),
      Object.assign(Object.create(null), { bare: 'yes' }),
      ['ünïcødé ✓ 😀', 'x'.repeat(100), ''],
      new Point(),
      [shared, shared],
      cyclic,
      withExtra,
      holey,
      { when: new Date(5), re: /x/g, big: 10n, bytes: new Uint16Array([1, 2]) },
      Array.from({ length: 300 }, (_, i) => i),
    ];
    const q = new Queue();
    for (const item of items) await q.put(item);
    for (const item of items) {
      const got = await q.get();
      const expected = structuredClone(item);
      expect(got).toStrictEqual(expected);
      if (got !== null && typeof got === 'object') expect(Object.keys(got)).toEqual(Object.keys(expected as object));
    }
    const [a, b] = (await (async () => {
      await q.put([shared, shared]);
      return q.get();
    })()) as [object, object];
    expect(a).toBe(b); // shared references stay shared
    expect(Object.getPrototypeOf(JSON.parse('{"__proto__": 1}'))).toBe(Object.prototype);
  });

  test('strings with a lone surrogate keep it (UTF-8 cannot carry one), in every queue kind', async () => {
    const items: unknown[] = [
      '\uD800',
      'a\uDC00b',
      `${'x'.repeat(100)}\uDBFF`,
      ['ok', '\uD83D', { k: 'z\uDFFF' }],
      { 'key\uD800': 1, plain: 'é' },
      '😀', // a well-formed pair stays a pair
    ];
    for (const Q of [Queue, LifoQueue, PriorityQueue, SimpleQueue]) {
      const q = new Q();
      for (const item of items) {
        q.putNowait(item);
        expect(q.getNowait()).toStrictEqual(item);
      }
    }
  });

  test('an item that cannot be cloned is refused and the queue is unchanged', async () => {
    const q = new Queue();
    await q.put('before');
    await expect(q.put(() => 1)).rejects.toThrow(/cannot be cloned/);
    await expect(q.put({ f: Symbol('s') })).rejects.toMatchObject({ name: 'DataCloneError' });
    expect(() => q.putNowait(new SharedArrayBuffer(4))).toThrow(/cannot be cloned/);
    await expect(q.put(new Lock())).rejects.toThrow(/A Lock \(at item\) cannot be sent to Queue.put/);
    await expect(q.put({ deep: [new Lock()] })).rejects.toThrow(/A Lock \(at item.deep\[0\]\)/);
    await expect(q.put(new Proxy({}, {}))).rejects.toMatchObject({ name: 'DataCloneError' });
    expect(q.qsize()).toBe(1);
    expect(q.unfinishedTasks).toBe(1);
    expect(await q.get()).toBe('before');
  });

  test('an item larger than the buffer can ever hold is refused; maxBytes is configurable', async () => {
    expect(DEFAULT_MAX_BYTES).toBe(64 * 1024 * 1024);
    const q = new Queue<string>(0, { maxBytes: 4096 });
    await expect(q.put('x'.repeat(5000))).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    expect(q.qsize()).toBe(0);
    await q.put('y'.repeat(4000)); // fits when empty
    // Full by bytes: a second one must wait (and fails without waiting).
    await expect(q.put('z'.repeat(2000), { block: false })).rejects.toThrow(Full);
    expect((await q.get()).length).toBe(4000);
    expect(() => new Queue(0, { maxBytes: 10 })).toThrow(RangeError);
    expect(() => new Queue(0, { bytes: 1 } as never)).toThrow(TypeError);
    expect(() => new Queue(1.5)).toThrow(RangeError);
  });

  test('the buffer grows on demand, keeping FIFO order across wrap-arounds', async () => {
    const q = new Queue<string>();
    const expected: string[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) {
        const s = `${next++}:${'p'.repeat((next * 37) % 3000)}`;
        expected.push(s);
        q.putNowait(s);
      }
      for (let i = 0; i < 60; i++) expect(q.getNowait()).toBe(expected.shift());
    }
    while (expected.length) expect(q.getNowait()).toBe(expected.shift());
    expect(q.empty()).toBe(true);
  });
});
