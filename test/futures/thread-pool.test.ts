// ThreadPoolExecutor's own behaviour (the shared suite covers what every executor does): crash
// containment, the initializer, abort, terminateWorkers, exit without shutdown, live primitives,
// transfer, error fidelity, and the types of submit/map.
import { readdirSync } from 'node:fs';
import {
  BrokenThreadPool,
  CancelledError,
  type Future,
  RuntimeError,
  ThreadPoolExecutor,
  ValueError,
} from 'nogil/futures';
import { Event, Lock, Value } from 'nogil/threading';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { runNode } from '../helpers/node-child.js';

const tasks = new URL('../fixtures/futures/tasks.mjs', import.meta.url);
const task = (name: string) => ({ module: tasks, name });

const executors: ThreadPoolExecutor[] = [];
function executor(options?: ConstructorParameters<typeof ThreadPoolExecutor>[0]): ThreadPoolExecutor {
  const ex = new ThreadPoolExecutor(options);
  executors.push(ex);
  return ex;
}
afterEach(async () => {
  for (const ex of executors.splice(0)) await ex.shutdown({ cancelFutures: true });
});

function osThreads(): number {
  return readdirSync('/proc/self/task').length;
}

// Tasks below are sent by source: each uses only its parameters and globals.
const double = (x: number): number => x * 2;
const blockFor = (ms: number): number => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return ms;
};
const exitWith = (code: number): never => process.exit(code);
const count = (value: Value, x: number): number => {
  value.value = (value.value as number) + 1;
  return x;
};

describe('ThreadPoolExecutor: crash containment', () => {
  it('a task calling process.exit() fails only its own future, even in the middle of a batch', async () => {
    const ex = executor({ maxWorkers: 1 });
    const runs = new Value('i', 0);
    const futures: Array<Future<unknown>> = [];
    for (let i = 0; i < 30; i++) futures.push(i === 7 ? ex.submit(exitWith, 3) : ex.submit(count, runs, i));
    const settled = await Promise.allSettled(futures);
    const error = (settled[7] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(BrokenThreadPool);
    expect(error.message).toMatch(/exited with code 3/);
    for (let i = 0; i < 30; i++) if (i !== 7) expect(settled[i]).toEqual({ status: 'fulfilled', value: i });
    // The tasks that finished before the crash were not run again.
    expect(runs.value).toBe(29);
    expect(await ex.submit(double, 21)).toBe(42);
  });

  it('an uncaught error in a timer of a task fails only that task, naming the error', async () => {
    const ex = executor({ maxWorkers: 2 });
    const late = (): Promise<never> => {
      setTimeout(() => {
        throw new TypeError('late failure');
      }, 1);
      return new Promise(() => {});
    };
    const others = Array.from({ length: 20 }, (_, i) => ex.submit(double, i));
    const dying = ex.submit(late);
    const error = await dying.exception();
    expect(error).toBeInstanceOf(BrokenThreadPool);
    expect((error as Error).message).toMatch(/uncaught TypeError: late failure/);
    expect(await Promise.all(others)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(await ex.submit(double, 4)).toBe(8);
  });

  it('a worker that runs out of memory (resourceLimits) fails only its task', async () => {
    const ex = executor({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const before = ex.submit(double, 1);
    const oom = ex.submit(task('exhaustMemory'));
    const after = ex.submit(double, 2);
    const error = await oom.exception();
    expect(error).toBeInstanceOf(BrokenThreadPool);
    expect((error as Error).message).toMatch(/out of memory/);
    expect(await before).toBe(2);
    expect(await after).toBe(4);
  });

  it('60 crashes in a row leave the pool working and leak no thread', async () => {
    // Warm up once so that the threads Node starts lazily exist in the baseline.
    const warm = new ThreadPoolExecutor({ maxWorkers: 2 });
    await warm.submit(double, 1);
    await warm.shutdown();
    const baseline = osThreads();
    const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    for (let round = 0; round < 60; round++) {
      const ok = ex.submit(double, round);
      const crash = ex.submit(exitWith, 1);
      expect(await crash.exception()).toBeInstanceOf(BrokenThreadPool);
      expect(await ok).toBe(round * 2);
      expect(ex.stats().workers).toBeLessThanOrEqual(2);
    }
    await ex.shutdown();
    expect(ex.stats().workers).toBe(0);
    expect(osThreads()).toBeLessThanOrEqual(baseline);
  });
});

describe('ThreadPoolExecutor: initializer', () => {
  it('runs once in each worker before its tasks, with initargs (module and function forms)', async () => {
    const inits = new Value('i', 0);
    const ex = executor({ maxWorkers: 2, initializer: task('rememberInit'), initargs: ['tagged', inits] });
    const tags = await Promise.all(Array.from({ length: 20 }, () => ex.submit(task('initTag'))));
    expect(new Set(tags)).toEqual(new Set(['tagged']));
    expect(inits.value).toBeGreaterThanOrEqual(1);
    expect(inits.value).toBeLessThanOrEqual(2);

    const fnForm = executor({
      maxWorkers: 1,
      initializer: (n: number) => {
        (globalThis as { seed?: number }).seed = n;
      },
      initargs: [7],
    });
    expect(await fnForm.submit(() => (globalThis as { seed?: number }).seed)).toBe(7);
  });

  it('a failing initializer breaks the pool: pending futures fail, later submit throws', async () => {
    const ex = executor({ maxWorkers: 2, initializer: task('failingInit') });
    const futures = Array.from({ length: 5 }, (_, i) => ex.submit(double, i));
    for (const f of futures) {
      const error = await f.exception();
      expect(error).toBeInstanceOf(BrokenThreadPool);
      expect((error as Error).message).toMatch(/initializer failed/);
      expect((error as Error).cause).toBeInstanceOf(ValueError);
    }
    expect(() => ex.submit(double, 1)).toThrow(BrokenThreadPool);
  });

  it('an initializer that kills its worker breaks the pool too (no endless restarts)', async () => {
    const ex = executor({ maxWorkers: 1, initializer: () => process.exit(9) });
    const error = await ex.submit(double, 1).exception();
    expect(error).toBeInstanceOf(BrokenThreadPool);
    expect(String((error as Error).cause)).toMatch(/exited with code 9/);
    expect(() => ex.submit(double, 1)).toThrow(BrokenThreadPool);
  });
});

describe('ThreadPoolExecutor: abort, cancel and terminateWorkers', () => {
  it('aborting a running task terminates and replaces its worker; the others complete', async () => {
    const ex = executor({ maxWorkers: 2 });
    const started = new Event();
    const victim = new Value('i', 0);
    const ac = new AbortController();
    const hold = async (ev: Event, id: Value): Promise<number> => {
      id.value = (await import('node:worker_threads')).threadId;
      ev.set();
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
      return 1;
    };
    const running = ex.submitWith({ signal: ac.signal }, hold, started, victim);
    const others = Array.from({ length: 10 }, (_, i) => ex.submit(blockFor, i));
    expect(await started.wait(10_000)).toBe(true);
    expect(running.running()).toBe(true);
    ac.abort('enough');
    const error = await running.exception(10_000);
    expect((error as Error).name).toBe('AbortError');
    expect((error as Error).cause).toBe('enough');
    expect(await Promise.all(others)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    // The terminated worker is gone: later tasks run on the survivor and its replacement.
    const ids = await Promise.all(Array.from({ length: 8 }, () => ex.submit(task('threadId'))));
    expect(ids).not.toContain(victim.value);
    expect(ex.stats().workers).toBeLessThanOrEqual(2);
  });

  it('aborting a pending task cancels it; it never runs', async () => {
    const ex = executor({ maxWorkers: 1 });
    const runs = new Value('i', 0);
    const blocker = ex.submit(blockFor, 200);
    const ac = new AbortController();
    const pending = ex.submitWith({ signal: ac.signal }, count, runs, 1);
    ac.abort();
    expect(pending.cancelled()).toBe(true);
    await expect(pending.result()).rejects.toBeInstanceOf(CancelledError);
    expect(await blocker).toBe(200);
    expect(await ex.submit(count, runs, 2)).toBe(2);
    expect(runs.value).toBe(1);
  });

  it('running() and cancel() are exact for tasks batched to a busy worker', async () => {
    for (let round = 0; round < 5; round++) {
      const ex = executor({ maxWorkers: 1 });
      const started = new Event();
      const gate = new Event();
      const runs = new Value('i', 0);
      const wait = (s: Event, g: Event): number => {
        s.set();
        g.waitSync(30_000);
        return -1;
      };
      const first = ex.submit(wait, started, gate);
      const rest = Array.from({ length: 9 }, (_, i) => ex.submit(count, runs, i));
      await started.wait(10_000);
      expect(first.running()).toBe(true);
      expect(rest.map((f) => f.running())).toEqual(new Array(9).fill(false));
      // rest[2] went to the worker in the same batch as `first`: the probe claims it.
      expect(rest[2]?.cancel()).toBe(true);
      expect(rest[7]?.cancel()).toBe(true);
      expect(first.cancel()).toBe(false);
      gate.set();
      expect(await first).toBe(-1);
      const settled = await Promise.allSettled(rest);
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(7);
      expect(rest[2]?.state).toBe('CANCELLED_AND_NOTIFIED');
      expect(runs.value).toBe(7);
      await ex.shutdown();
    }
  });

  it('a task batched behind a blocked one moves to an idle worker', async () => {
    for (let round = 0; round < 5; round++) {
      const ex = executor({ maxWorkers: 2 });
      const gate = new Event();
      const started = new Event();
      const hold = (s: Event, g: Event): number => {
        s.set();
        return g.waitSync(30_000) ? 1 : 0;
      };
      // One tick: the first batches take two tasks each, so `hold` shares its batch with another.
      const futures = [ex.submit(hold, started, gate), ...Array.from({ length: 7 }, (_, i) => ex.submit(double, i))];
      const others = await Promise.all(futures.slice(1).map((f) => f.result(10_000)));
      expect(others).toEqual(Array.from({ length: 7 }, (_, i) => i * 2));
      expect(await started.wait(10_000)).toBe(true);
      expect(futures[0]?.running()).toBe(true);
      gate.set();
      expect(await futures[0]).toBe(1);
      await ex.shutdown();
    }
  });

  it('terminateWorkers() fails running futures with BrokenThreadPool, cancels pending ones, shuts down', async () => {
    const ex = executor({ maxWorkers: 2 });
    // One flag each: two workers adding to one Value could lose an update (`+=` is not atomic).
    const started = [new Value('i', 0), new Value('i', 0)];
    const hold = (v: Value): number => {
      v.value = 1;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
      return 0;
    };
    const running = started.map((v) => ex.submit(hold, v));
    while (!started.every((v) => v.value === 1)) await new Promise((r) => setTimeout(r, 5));
    const pending = Array.from({ length: 5 }, (_, i) => ex.submit(double, i));
    const t0 = performance.now();
    await ex.terminateWorkers();
    expect(performance.now() - t0).toBeLessThan(10_000);
    for (const f of running) expect(await f.exception()).toBeInstanceOf(BrokenThreadPool);
    for (const f of pending) expect(f.cancelled()).toBe(true);
    expect(ex.stats().workers).toBe(0);
    expect(() => ex.submit(double, 1)).toThrow(RuntimeError);
    await ex.shutdown();
  });

  it('killWorkers() does the same', async () => {
    const ex = executor({ maxWorkers: 1 });
    const f = ex.submit(blockFor, 60_000);
    while (!f.running()) await new Promise((r) => setTimeout(r, 5));
    await ex.killWorkers();
    expect(await f.exception()).toBeInstanceOf(BrokenThreadPool);
    expect(() => ex.submit(double, 1)).toThrow(RuntimeError);
  });
});

describe('ThreadPoolExecutor: process lifetime', () => {
  it('a script that awaits its results and never calls shutdown() exits by itself', async () => {
    const child = await runNode(
      `import { ThreadPoolExecutor } from 'nogil/futures';
       const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
       const rs = await Promise.all([1, 2, 3, 4].map((x) => ex.submit((y) => y * 10, x)));
       console.log(rs.join(','), ex.stats().workers);`,
      { timeoutMs: 20_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('10,20,30,40 2');
    expect(child.code).toBe(0);
    expect(child.ms).toBeLessThan(10_000);
  });

  it('outcomes that arrive after the pool saw the batch finish still settle before the process may exit', async () => {
    // Regression: piscina reads a worker's reply synchronously while another reply is handled,
    // so it can see a batch finish before the outcomes (on the worker's unref'd port) arrive.
    const child = await runNode(
      `import { ThreadPoolExecutor } from 'nogil/futures';
       const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
       let n = 0;
       for (let round = 0; round < 3000; round++) {
         const a = ex.submit((x) => x * 2, round);
         const b = ex.submit((x) => x * 3, round);
         n += (await a) + (await b) === round * 5 ? 1 : 0;
       }
       console.log(n);`,
      { timeoutMs: 60_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.code).toBe(0);
    expect(child.stdout.trim()).toBe('3000');
  });
});

describe('ThreadPoolExecutor: arguments and results', () => {
  it('passes nogil primitives live: a Lock-protected Value counter is exact across tasks', async () => {
    const ex = executor({ maxWorkers: 2 });
    const lock = new Lock();
    const value = new Value('i', 0);
    const done = await Promise.all(
      Array.from({ length: 8 }, () => ex.submit(task('lockedIncrements'), lock, value, 500)),
    );
    expect(done).toEqual(new Array(8).fill(500));
    expect(value.value).toBe(4000);
  });

  it('a primitive made in a worker comes back live', async () => {
    const ex = executor({ maxWorkers: 1 });
    const v = (await ex.submit(task('makeValue'), 5)) as Value;
    expect(v).toBeInstanceOf(Value);
    v.value = 11;
    expect(await ex.submit((x: Value) => x.value, v)).toBe(11);
  });

  it('transfer moves ArrayBuffers to the worker instead of copying them', async () => {
    const ex = executor({ maxWorkers: 1 });
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    const f = ex.submitWith(
      { transfer: [buffer] },
      (b: ArrayBuffer) => new Uint8Array(b).reduce((s, x) => s + x, 0),
      buffer,
    );
    expect(await f).toBe(10);
    expect(buffer.byteLength).toBe(0);
  });

  it('tasks with a transfer list run alone in their batch, so none waits behind a blocked task', async () => {
    const ex = executor({ maxWorkers: 2 });
    const gate = new Event();
    const blocked = ex.submit((g: Event): boolean => g.waitSync(30_000), gate);
    const sum = (b: ArrayBuffer): number => new Uint8Array(b).reduce((s, x) => s + x, 0);
    const buffers = [1, 2, 3, 4].map((n) => new Uint8Array([n, n]).buffer);
    const moved = buffers.map((b) => ex.submitWith({ transfer: [b] }, sum, b));
    expect(await Promise.all(moved.map((f) => f.result(10_000)))).toEqual([2, 4, 6, 8]);
    expect(buffers.map((b) => b.byteLength)).toEqual([0, 0, 0, 0]);
    gate.set();
    expect(await blocked).toBe(true);
  });

  it('an argument that cannot be cloned fails its own future with DataCloneError', async () => {
    const ex = executor({ maxWorkers: 1 });
    const ok = ex.submit(double, 3);
    const bad = ex.submit(
      (f: unknown) => typeof f,
      () => 1,
    );
    expect(((await bad.exception()) as Error).name).toBe('DataCloneError');
    expect(await ok).toBe(6);
  });

  it('a result that cannot be cloned rejects with DataCloneError and the worker survives', async () => {
    const ex = executor({ maxWorkers: 1 });
    const id = await ex.submit(task('threadId'));
    const error = await ex.submit(() => () => 1).exception();
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('DataCloneError');
    expect(await ex.submit(task('threadId'))).toBe(id);
  });

  it('errors keep their class, message, stack and code; nogil errors keep instanceof', async () => {
    const ex = executor({ maxWorkers: 1 });
    const range = await ex
      .submit(() => {
        const e = new RangeError('out of range here');
        (e as { code?: string }).code = 'ERR_SOMETHING';
        throw e;
      })
      .exception();
    expect(range).toBeInstanceOf(RangeError);
    expect((range as Error).message).toBe('out of range here');
    expect((range as Error).stack).toMatch(/^RangeError: out of range here\n\s+at /);
    expect((range as { code?: string }).code).toBe('ERR_SOMETHING');
    const nogil = await ex.submit(task('throwValueError'), 'bad value').exception();
    expect(nogil).toBeInstanceOf(ValueError);
    expect((nogil as Error).message).toBe('bad value');
    expect((nogil as Error).stack).toMatch(/tasks\.mjs/);
  });

  it('an unknown module or export rejects naming both', async () => {
    const ex = executor({ maxWorkers: 1 });
    const noExport = await ex.submit(task('noSuchExport')).exception();
    expect((noExport as Error).message).toMatch(/tasks\.mjs/);
    expect((noExport as Error).message).toMatch(/noSuchExport/);
    const noModule = await ex.submit({ module: '/nonexistent/dir/mod.mjs', name: 'run' }).exception();
    expect((noModule as Error).message).toMatch(/\/nonexistent\/dir\/mod\.mjs/);
    expect((noModule as Error).message).toMatch(/'run'/);
  });

  it('a function using an outer variable: the error names it and says tasks are sent by source', async () => {
    const ex = executor({ maxWorkers: 1 });
    const factor = 3;
    const error = await ex.submit((x: number) => x * factor, 2).exception();
    expect(error).toBeInstanceOf(ReferenceError);
    expect((error as Error).message).toMatch(/'factor'/);
    expect((error as Error).message).toMatch(/by source/);
    expect((error as Error).message).toMatch(/pass factor as an argument/);
  });

  it('bad options throw at the call site', () => {
    expect(() => new ThreadPoolExecutor({ maxWorkers: 0 })).toThrow(ValueError);
    expect(() => new ThreadPoolExecutor({ maxWorkers: 1.5 })).toThrow(RangeError);
    expect(() => new ThreadPoolExecutor({ initializer: 5 as never })).toThrow(TypeError);
    expect(() => new ThreadPoolExecutor({ initargs: 5 as never })).toThrow(TypeError);
    expect(() => new ThreadPoolExecutor({ idleTimeout: -1 })).toThrow(RangeError);
    expect(() => new ThreadPoolExecutor({ nope: 1 } as never)).toThrow(TypeError);
    const ex = executor({ maxWorkers: 1 });
    expect(() => (ex.submit as (fn: unknown) => unknown)(5)).toThrow(TypeError);
  });

  it('map with chunksize batches items and keeps input order', async () => {
    const ex = executor({ maxWorkers: 2 });
    const out: number[] = [];
    for await (const v of ex.map(
      double,
      Array.from({ length: 2500 }, (_, i) => i),
      { chunksize: 100 },
    ))
      out.push(v);
    expect(out).toEqual(Array.from({ length: 2500 }, (_, i) => i * 2));
  });
});

describe('ThreadPoolExecutor: map chunks of numbers (sent packed)', () => {
  // What the task saw, as plain data: the item itself plus facts about it.
  const describeItem = (item: unknown) => ({
    item,
    isArray: Array.isArray(item),
    negZero: Array.isArray(item) ? item.map((v) => Object.is(v, -0)) : Object.is(item, -0),
    frozen: Object.isFrozen(item),
  });
  const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  };

  it('numbers keep every value exactly: -0, NaN, infinities, subnormals, 2^53 + 2', async () => {
    const ex = executor({ maxWorkers: 2 });
    const values = [0, -0, Number.NaN, Infinity, -Infinity, 5e-324, -1.5, 2 ** 53 + 2, Number.MAX_VALUE];
    const items = Array.from({ length: 300 }, (_, i) => values[i % values.length] as number);
    const got = await collect(ex.map(describeItem, items, { chunksize: 100 }));
    expect(got.map((g) => g.item)).toEqual(items);
    expect(got.map((g) => g.negZero)).toEqual(items.map((v) => Object.is(v, -0)));
  });

  it('tuples arrive as fresh plain arrays with the same numbers, one per call', async () => {
    const ex = executor({ maxWorkers: 2 });
    const items = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? Object.freeze([1, -0, 3]) : [i, i / 3, -i]));
    // Each call mutates its tuple: a later call must not see it (each gets its own array).
    const mutate = (t: number[]) => {
      const before = [...t];
      t[0] = -1;
      return before;
    };
    expect(await collect(ex.map(mutate, items as number[][], { chunksize: 50 }))).toEqual(items.map((t) => [...t]));
    const seen = await collect(ex.map(describeItem, items, { chunksize: 50 }));
    expect(seen.every((s) => s.isArray && !s.frozen)).toBe(true);
    expect(seen[0]?.negZero).toEqual([false, true, false]);
  });

  // The task marks its argument; a second call with the same array sees the mark when both
  // calls got one copy.
  const markAndRead = (t: number[]) => {
    const first = t[0];
    t[0] = -1;
    return first;
  };

  it('one array twice in a chunk is one copy there, as a clone gives (packed or not)', async () => {
    const ex = executor({ maxWorkers: 1 });
    for (const k of [2, 17]) {
      const t = Array.from({ length: k }, (_, i) => i + 1);
      expect(await collect(ex.map(markAndRead, [t, t, [...t]], { chunksize: 3 })), `tuples of ${k}`).toEqual([
        1, -1, 1,
      ]);
    }
  });

  it('a repeat is found anywhere in a chunk, among many equal tuples, and in a chunk of any length', async () => {
    const ex = executor({ maxWorkers: 1 });
    // n tuples, each its own array, of distinct contents, of equal contents (the check's worst
    // case) or a mix; one array is placed at 0 and again at `again` (whose call sees the mark).
    type Contents = 'distinct' | 'equal' | 'mixed';
    const tupleAt = (i: number, contents: Contents): number[] =>
      contents === 'distinct' || (contents === 'mixed' && i % 7 === 0) ? [i + 10, 2] : [7, 2];
    const cases: Array<{ n: number; contents: Contents; again?: number }> = [
      { n: 1000, contents: 'distinct', again: 777 },
      { n: 1000, contents: 'distinct' },
      { n: 1000, contents: 'equal', again: 999 },
      { n: 1000, contents: 'mixed', again: 500 },
      { n: 20_000, contents: 'distinct', again: 19_999 },
      { n: 20_000, contents: 'equal' },
    ];
    for (const { n, contents, again } of cases) {
      const shared = [1, 2];
      const items = Array.from({ length: n }, (_, i) => tupleAt(i, contents));
      items[0] = shared;
      if (again !== undefined) items[again] = shared;
      const expected = items.map((t, i) => (i === again ? -1 : t[0]));
      const got = await collect(ex.map(markAndRead, items, { chunksize: n }));
      expect(got, `n=${n} ${contents} again=${again}`).toEqual(expected);
    }
  });

  it('a getter that throws while a chunk is read fails that chunk only; the pool carries on', async () => {
    const ex = executor({ maxWorkers: 1 });
    const echo = (x: unknown) => x;
    // Number tuples (packed) and objects (cloned): the getter works once (the executor's own
    // look at the arguments), then throws (packing, or the structured clone of the message).
    for (const make of [() => [1, 2], () => ({ a: 1 })]) {
      const item = make();
      let reads = 0;
      Object.defineProperty(item, Array.isArray(item) ? 0 : 'a', {
        enumerable: true,
        get() {
          if (++reads > 1) throw new Error('getter boom');
          return 1;
        },
      });
      const good = make();
      await expect(collect(ex.map(echo, [item, good], { chunksize: 2 }))).rejects.toThrow('getter boom');
      expect(await collect(ex.map(echo, [good, good], { chunksize: 1 }))).toEqual([good, good]);
    }
    expect(await ex.submit((a: number, b: number) => a + b, 2, 3)).toBe(5);
  });

  it('chunk results come back exactly, numbers packed or not: -0, NaN, then other values', async () => {
    const ex = executor({ maxWorkers: 2 });
    const values: unknown[] = [0, -0, Number.NaN, -Infinity, 5e-324, 2 ** 53 + 2];
    const pick = (i: number) => [0, -0, Number.NaN, -Infinity, 5e-324, 2 ** 53 + 2][i % 6];
    const n = 120;
    const numbers = Array.from({ length: n }, (_, i) => values[i % 6]);
    const indices = Array.from({ length: n }, (_, i) => i);
    const got = await collect(ex.map(pick, indices, { chunksize: 40 }));
    expect(got).toEqual(numbers);
    expect(got.map((v) => Object.is(v, -0))).toEqual(numbers.map((v) => Object.is(v, -0)));
    // A chunk whose results turn into other values part way (the numbers before them kept,
    // -0 included), start with one, or hold a live Lock made in the worker.
    const mixed = (i: number) => (i % 10 === 7 ? `s${i}` : i % 10 === 3 ? -0 : i);
    const items = Array.from({ length: 30 }, (_, i) => i);
    const mixedGot = await collect(ex.map(mixed, items, { chunksize: 10 }));
    expect(mixedGot).toEqual(items.map(mixed));
    expect(mixedGot.map((v) => Object.is(v, -0))).toEqual(items.map((i) => i % 10 === 3));
    const firstNot = await collect(ex.map((i: number) => (i === 0 ? null : i), [0, 1, 2], { chunksize: 3 }));
    expect(firstNot).toEqual([null, 1, 2]);
    const withLock = async (i: number) => {
      if (i < 2) return i;
      const { Lock: L } = await import('nogil/threading');
      return new L();
    };
    const locks = await collect(ex.map(withLock, [0, 1, 2], { chunksize: 3 }));
    expect(locks.slice(0, 2)).toEqual([0, 1]);
    expect(locks[2]).toBeInstanceOf(Lock);
  });

  it('chunks that are not all numbers or all same-length number tuples go as they are', async () => {
    const ex = executor({ maxWorkers: 2 });
    const inputs: unknown[][] = [
      [1, 2, '3', 4],
      [[1, 2], [3], [4, 5]],
      [
        [1, 2],
        [3, '4'],
      ],
      [
        // biome-ignore lint/suspicious/noSparseArray: a hole must come back as a hole's undefined
        [1, , 3],
        [4, 5, 6],
      ],
      [[1, 2], { 0: 3, 1: 4, length: 2 }],
      [1n, 2n],
      [[], []],
      [Array.from({ length: 17 }, (_, i) => i), Array.from({ length: 17 }, (_, i) => -i)],
    ];
    const echo = (x: unknown) => x;
    for (const items of inputs) {
      expect(await collect(ex.map(echo, items, { chunksize: 10 }))).toEqual(items.map((x) => structuredClone(x)));
    }
  });
});

describe('ThreadPoolExecutor: types', () => {
  it('submit checks args against fn and infers the result; map checks items', () => {
    const ex = executor({ maxWorkers: 1 });
    const add = (a: number, b: number): number => a + b;
    const asyncLen = async (s: string): Promise<number> => s.length;
    expectTypeOf(ex.submit(add, 1, 2)).toEqualTypeOf<Future<number>>();
    expectTypeOf(ex.submit(asyncLen, 'abc')).toEqualTypeOf<Future<number>>();
    expectTypeOf(ex.submitWith({}, add, 1, 2)).toEqualTypeOf<Future<number>>();
    expectTypeOf(ex.map(double, [1, 2])).toEqualTypeOf<AsyncIterableIterator<number>>();
    expectTypeOf(ex.submit(task('threadId'))).toEqualTypeOf<Future<unknown>>();
    const misuse = (): void => {
      // @ts-expect-error a string where fn takes a number
      ex.submit(add, 1, 'two');
      // @ts-expect-error a missing argument
      ex.submit(add, 1);
      // @ts-expect-error an argument too many
      ex.submit(asyncLen, 'a', 2);
      // @ts-expect-error items must match fn's first parameter
      ex.map(double, ['x']);
      // @ts-expect-error not a task
      ex.submit(42);
      // @ts-expect-error maxWorkers is a number
      new ThreadPoolExecutor({ maxWorkers: '2' });
    };
    expect(typeof misuse).toBe('function');
  });
});
