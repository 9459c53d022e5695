// NativePoolExecutor specifics: kernel names and arguments checked at the call, map items as
// tuples spread into the kernel, one NativePool.map per chunk, an exact RUNNING state (read from
// the task's status word, which the pool thread sets when it picks the task up), abort of a
// running kernel (it stops at its next cancellation check), and that shutdown (or no shutdown
// at all) leaves nothing running.
import { availableParallelism } from 'node:os';
import { NativePoolExecutor, ValueError } from 'nogil/futures';
import { factorize, gcd, NativePool } from 'nogil/native';
import { afterEach, describe, expect, it, vi } from 'vitest';
// The raw addon, as the package loads it (same module instance as 'nogil/native'): spied on to
// count crossings into Rust.
import { binding } from '../../dist/native/binding.js';
import { runNode } from '../helpers/node-child.js';

/** Polls until `pred()` holds (state changes made by native threads, no sleeps for ordering). */
async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const made: NativePoolExecutor[] = [];
function create(maxWorkers?: number): NativePoolExecutor {
  const executor = new NativePoolExecutor(maxWorkers === undefined ? {} : { maxWorkers });
  made.push(executor);
  return executor;
}
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(made.splice(0).map((e) => e.shutdown({ cancelFutures: true })));
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('NativePoolExecutor: construction', () => {
  it('defaults maxWorkers to the available parallelism', () => {
    expect(create().maxWorkers).toBe(availableParallelism());
    expect(create(3).maxWorkers).toBe(3);
  });

  it('refuses bad maxWorkers and unknown options at construction', () => {
    expect(() => new NativePoolExecutor({ maxWorkers: 0 })).toThrow(ValueError);
    expect(() => new NativePoolExecutor({ maxWorkers: 1025 })).toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new NativePoolExecutor({ threads: 2 } as never)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new NativePoolExecutor(5 as never)).toThrow(TypeError);
  });

  it('starts no native thread until the first task', async () => {
    const spy = vi.spyOn(binding(), 'poolCreate');
    const executor = create(2);
    expect(executor.stats().workers).toBe(0);
    expect(spy).not.toHaveBeenCalled();
    expect(await executor.submit('gcd', 12, 18)).toBe(6);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(executor.stats()).toMatchObject({ workers: 2, idle: 2 });
  });
});

describe('NativePoolExecutor: kernels and arguments are checked at the call', () => {
  it('an unknown kernel is a TypeError ERR_INVALID_ARG_VALUE from submit, submitWith and map', () => {
    // Untyped on purpose: a typo does not compile (test/futures/types.test.ts), JavaScript callers still get the error.
    const executor = create(1) as unknown as Record<'submit' | 'submitWith' | 'map', (...args: unknown[]) => unknown>;
    for (const call of [
      () => executor.submit('bruteGdc', 1, 2),
      () => executor.submitWith({}, 'bruteGdc', 1, 2),
      () => executor.map('bruteGdc', [[1, 2]]),
    ]) {
      expect(call).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }));
      expect(call).toThrow(/'bruteGcd', 'gcd', 'factorize', 'sleep'/);
    }
    expect(() => executor.submit(42)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect((executor as unknown as NativePoolExecutor).stats().queued).toBe(0);
  });

  it.each([
    [['gcd', 1], 'TypeError', 'ERR_INVALID_ARG_TYPE', /takes 2 arguments; received 1/],
    [['factorize', 1, 2], 'TypeError', 'ERR_INVALID_ARG_TYPE', /takes 1 argument; received 2/],
    [['gcd', '12', 18], 'TypeError', 'ERR_INVALID_ARG_TYPE', /"a"/],
    [['gcd', 12, null], 'TypeError', 'ERR_INVALID_ARG_TYPE', /"b"/],
    [['gcd', 1.5, 2], 'RangeError', 'ERR_OUT_OF_RANGE', /"a"/],
    [['bruteGcd', -1, 2], 'RangeError', 'ERR_OUT_OF_RANGE', /"a"/],
    [['factorize', 2 ** 53], 'RangeError', 'ERR_OUT_OF_RANGE', /"n"/],
    [['sleep', Number.NaN], 'RangeError', 'ERR_OUT_OF_RANGE', /"ms"/],
  ] as const)('submit(%j) throws %s %s synchronously', ([kernel, ...args], name, code, message) => {
    const executor = create(1);
    const call = (): unknown => (executor.submit as (k: string, ...a: unknown[]) => unknown)(kernel, ...args);
    expect(call).toThrow(expect.objectContaining({ name, code }));
    expect(call).toThrow(message);
    expect(executor.stats()).toMatchObject({ queued: 0, running: 0 });
  });

  it.each([1, 3])(
    'a bad map item throws at the call and cancels what map submitted (chunksize %i)',
    async (chunksize) => {
      const executor = create(1);
      const inputs = [[12, 18], [1, 2], [3, 4], [5]] as never;
      expect(() => executor.map('gcd', inputs, { chunksize })).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
      );
      expect(() => executor.map('gcd', [[1, -2]], { chunksize })).toThrow(RangeError);
      await executor.shutdown();
      const s = executor.stats();
      expect(s.completed + s.cancelled).toBe(chunksize === 1 ? 3 : 1);
    },
  );
});

describe('NativePoolExecutor: map', () => {
  it('spreads tuple items into the kernel; one-argument kernels take bare numbers or 1-tuples', async () => {
    const executor = create(2);
    expect(
      await collect(
        executor.map('gcd', [
          [12, 18],
          [0, 5],
          [7134890, 873490],
        ]),
      ),
    ).toEqual([6, 5, 10]);
    expect(await collect(executor.map('factorize', [12, [6], 1]))).toEqual([factorize(12), factorize(6), [1]]);
    expect(await collect(executor.map('sleep', [1, [2]]))).toEqual([undefined, undefined]);
    // The same through chunks (one flat Float64Array per chunk): list and void results too.
    expect(await collect(executor.map('factorize', [12, [6], 1], { chunksize: 2 }))).toEqual([
      factorize(12),
      factorize(6),
      [1],
    ]);
    expect(await collect(executor.map('sleep', [1, [2], 0], { chunksize: 2 }))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(
      await collect(
        executor.map(
          'bruteGcd',
          [
            [0, 7],
            [12, 18],
            [5, 0],
          ],
          { chunksize: 3 },
        ),
      ),
    ).toEqual([1, 6, 1]);
  });

  it('a chunk is one NativePool.map call (one crossing) and no per-item submit', async () => {
    const mapSpy = vi.spyOn(binding(), 'poolMap');
    const submitSpy = vi.spyOn(binding(), 'poolSubmit');
    const executor = create(2);
    const inputs = Array.from({ length: 10 }, (_, i) => [i * 3, 12] as [number, number]);
    const got = await collect(executor.map('gcd', inputs, { chunksize: 4 }));
    expect(got).toEqual(inputs.map(([a, b]) => gcd(a, b)));
    expect(mapSpy).toHaveBeenCalledTimes(3);
    expect(submitSpy).not.toHaveBeenCalled();
    // Each chunk travels as one flat typed array of its inputs.
    const first = mapSpy.mock.calls[0]![3] as Float64Array;
    expect(first).toBeInstanceOf(Float64Array);
    expect([...first]).toEqual([0, 12, 3, 12, 6, 12, 9, 12]);
  });

  it('100k items in chunks of 10k give the right results in order', async () => {
    const executor = create(2);
    const inputs = Array.from({ length: 100_000 }, (_, i) => [i, 360] as [number, number]);
    const got = await collect(executor.map('gcd', inputs, { chunksize: 10_000 }));
    expect(got).toHaveLength(100_000);
    for (let i = 0; i < got.length; i += 997) expect(got[i]).toBe(gcd(i, 360));
    expect(executor.stats().completed).toBe(10);
  });
});

describe('NativePoolExecutor: RUNNING is exact (the pool thread reports the start)', () => {
  it('hands every task over at once; only those a thread picked are RUNNING, the rest PENDING and cancellable (repeated)', async () => {
    for (let round = 0; round < 3; round++) {
      const submitSpy = vi.spyOn(binding(), 'poolSubmit');
      const executor = create(2);
      // Long enough that the first two are still running when we look, even on a loaded machine.
      const futures = Array.from({ length: 6 }, () => executor.submit('sleep', 400));
      await until(() => futures.filter((f) => f.running()).length === 2);
      // One crossing for the tick's submissions; the pool's queue is FIFO.
      expect(submitSpy).toHaveBeenCalledTimes(1);
      expect(futures.map((f) => f.running())).toEqual([true, true, false, false, false, false]);
      expect(executor.stats()).toMatchObject({ running: 2, queued: 4, workers: 2, idle: 0 });
      expect(futures[0]!.cancel()).toBe(false);
      expect(futures[5]!.cancel()).toBe(true);
      const settled = await Promise.allSettled(futures);
      expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      expect(futures[5]!.state).toBe('CANCELLED_AND_NOTIFIED');
      expect(executor.stats()).toMatchObject({ completed: 5, cancelled: 1, running: 0, queued: 0 });
      vi.restoreAllMocks();
    }
  });

  it('a chunk is one task: RUNNING while its NativePool.map runs', async () => {
    const mapSpy = vi.spyOn(binding(), 'poolMap');
    const executor = create(1);
    const it = executor.map('sleep', Array(10).fill(30), { chunksize: 2 });
    await until(() => executor.stats().running === 1);
    expect(mapSpy).toHaveBeenCalledTimes(5);
    expect(executor.stats()).toMatchObject({ running: 1, queued: 4 });
    expect(await collect(it)).toHaveLength(10);
    expect(executor.stats()).toMatchObject({ completed: 5, running: 0 });
  });
});

describe('NativePoolExecutor: abort of a running kernel', () => {
  it('rejects at once with an AbortError and the kernel stops at its next check, freeing its thread', async () => {
    const executor = create(1);
    const ac = new AbortController();
    const started = performance.now();
    const running = executor.submitWith({ signal: ac.signal }, 'sleep', 5000);
    const next = executor.submit('gcd', 8, 12);
    await until(() => running.running());
    expect(next.running()).toBe(false);
    ac.abort('enough');
    await expect(running).rejects.toMatchObject({ name: 'AbortError', cause: 'enough' });
    // The thread is free well before the 5 s sleep would have ended.
    expect(await next).toBe(4);
    expect(performance.now() - started).toBeLessThan(2500);
    expect(executor.stats()).toMatchObject({ failed: 1, completed: 1, running: 0 });
  });

  it('aborting a pending task cancels it: it never runs', async () => {
    const executor = create(1);
    const ac = new AbortController();
    const first = executor.submit('sleep', 100);
    const pending = executor.submitWith({ signal: ac.signal }, 'sleep', 5000);
    await until(() => first.running());
    ac.abort('not needed');
    expect(pending.cancelled()).toBe(true);
    await expect(pending).rejects.toMatchObject({ name: 'CancelledError', cause: 'not needed' });
    await first;
    const started = performance.now();
    await executor.shutdown();
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('shutdown after an abort is prompt: no native thread is left running', async () => {
    const executor = create(1);
    const ac = new AbortController();
    const f = executor.submitWith({ signal: ac.signal }, 'sleep', 5000);
    await until(() => f.running());
    const started = performance.now();
    ac.abort();
    await expect(f).rejects.toMatchObject({ name: 'AbortError' });
    await executor.shutdown();
    expect(performance.now() - started).toBeLessThan(2500);
    expect(executor.stats().workers).toBe(0);
  });
});

describe('NativePoolExecutor: process lifetime', () => {
  it('a script that awaits its results and forgets shutdown() exits by itself', async () => {
    const child = await runNode(`
      import { NativePoolExecutor } from 'nogil/futures';
      const executor = new NativePoolExecutor({ maxWorkers: 2 });
      const results = [];
      for await (const g of executor.map('bruteGcd', [[543456, 43523465], [7134890, 873490]])) results.push(g);
      results.push(await executor.submit('gcd', 12, 18));
      console.log(results.join(', '));
    `);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('1, 10, 6\n');
    expect(child.code).toBe(0);
    expect(child.ms).toBeLessThan(20_000);
  });

  it('shutdown({ wait: false }) at the end of a script: queued work still runs before the process exits (CPython test_interpreter_shutdown)', async () => {
    const child = await runNode(`
      import { NativePoolExecutor } from 'nogil/futures';
      const executor = new NativePoolExecutor({ maxWorkers: 1 });
      for (const ms of [50, 50, 50, 50]) executor.submit('sleep', ms).then(() => console.log('slept', ms));
      executor.submit('gcd', 12, 18).then((g) => console.log('gcd', g));
      executor.shutdown({ wait: false });
      console.log('script done');
    `);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('script done\nslept 50\nslept 50\nslept 50\nslept 50\ngcd 6\n');
    expect(child.code).toBe(0);
  });

  it('a process with an idle executor that was never shut down exits too', async () => {
    const child = await runNode(`
      import { NativePoolExecutor } from 'nogil/futures';
      const executor = new NativePoolExecutor({ maxWorkers: 2 });
      await executor.submit('sleep', 10);
      console.log(JSON.stringify(executor.stats()));
    `);
    expect(child.code).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ workers: 2, idle: 2, completed: 1 });
  });

  it('shutdown closes the pool exactly once and leaves the executor closed', async () => {
    const closeSpy = vi.spyOn(NativePool.prototype, 'close');
    const executor = create(2);
    await Promise.all([executor.submit('gcd', 1, 2), executor.submit('gcd', 3, 4)]);
    await Promise.all([executor.shutdown(), executor.shutdown(), executor[Symbol.asyncDispose]()]);
    expect(closeSpy).toHaveBeenCalledTimes(1);
    expect(() => executor.submit('gcd', 1, 1)).toThrow(/cannot schedule new futures after shutdown/);
  });
});
