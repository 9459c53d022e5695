// Per-task cancellation of the NativePool: AbortSignal on submitWith / map, and the internal
// task controls (submitTask / mapTask) that NativePoolExecutor builds on.
import { getEventListeners } from 'node:events';
import { js, NativePool } from 'nogil/native';
import { afterEach, describe, expect, it } from 'vitest';
// The internal API, from the same built module instance as 'nogil/native'.
import { mapTask, type NativeTask, submitTask } from '../../dist/native/pool.js';
import { runNode } from '../helpers/node-child.js';

const pools: NativePool[] = [];
function pool(threads: number): NativePool {
  const p = new NativePool({ threads });
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/** A bruteGcd that would run for hours (64-bit operands counting down from 2^40). */
const forever: [number, number] = [2 ** 40 + 1, 2 ** 40 + 2];

/** Resolves once `task` is running (polling its exact state; fails after 10 s). */
async function running(task: NativeTask<unknown>): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (task.state !== 'running') {
    if (performance.now() > deadline) throw new Error(`task still ${task.state}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function isAbortError(reason: unknown) {
  return expect.objectContaining({ name: 'AbortError', code: 'ABORT_ERR', cause: reason });
}

describe('NativePool AbortSignal', () => {
  it('an already-aborted signal rejects at once, without running anything', async () => {
    const p = pool(1);
    const reason = new Error('no thanks');
    const signal = AbortSignal.abort(reason);
    await expect(p.submitWith({ signal }, 'sleep', 10_000)).rejects.toEqual(isAbortError(reason));
    await expect(p.map('sleep', [10_000], { signal })).rejects.toEqual(isAbortError(reason));
    const started = performance.now();
    expect(await p.submit('gcd', 12, 18)).toBe(6);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('aborting a queued task removes it: it never runs', async () => {
    const p = pool(1);
    const busy = p.submit('sleep', 100);
    const controller = new AbortController();
    const doomed = p.submitWith({ signal: controller.signal }, 'sleep', 20_000);
    const after = p.submit('gcd', 12, 18);
    controller.abort('changed my mind');
    await expect(doomed).rejects.toEqual(isAbortError('changed my mind'));
    // The one thread goes from the 100 ms sleep straight to the gcd: the 20 s sleep never ran.
    const started = performance.now();
    await busy;
    expect(await after).toBe(6);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('aborting a running task stops it at its next check and frees the thread', async () => {
    const p = pool(1);
    for (const [kernel, args] of [
      ['bruteGcd', forever],
      ['factorize', [2 ** 45]],
      ['sleep', [60_000]],
    ] as const) {
      const controller = new AbortController();
      const task = submitTask(p, kernel, args as never, { signal: controller.signal });
      await running(task);
      const started = performance.now();
      controller.abort();
      await expect(task.promise).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
      expect(task.state).toBe('finished');
      // The next task runs on the same single thread: the aborted kernel has stopped.
      expect(await p.submit('gcd', 4, 6)).toBe(2);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  it('aborts a whole map batch, queued or running', async () => {
    const p = pool(2);
    const controller = new AbortController();
    const batch = mapTask(p, 'bruteGcd', [forever, forever, forever], { signal: controller.signal });
    await running(batch);
    controller.abort();
    await expect(batch.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(await p.map('gcd', [[12, 18]])).toEqual([6]);
    const queuedBehind = p.submit('sleep', 50);
    const second = new AbortController();
    const never = p.map('sleep', [20_000, 20_000], { signal: second.signal });
    second.abort();
    await expect(never).rejects.toMatchObject({ name: 'AbortError' });
    await queuedBehind;
    expect(await p.map('gcd', new Uint32Array([9, 6]), {})).toEqual(new Float64Array([3]));
  });

  it('results are right and every listener is removed, over many tasks sharing one signal', async () => {
    const p = pool(2);
    for (let round = 0; round < 20; round++) {
      const keep = new AbortController();
      const drop = new AbortController();
      const n = 1000;
      const outcomes = Array.from({ length: n }, (_, i) =>
        p.submitWith({ signal: i % 3 === 0 ? drop.signal : keep.signal }, 'gcd', i * 6, 12).then(
          (v) => ['ok', v],
          (e: Error) => ['err', e.name],
        ),
      );
      // Abort at a different point of the work in each round: before the flush, or after.
      if (round % 2 === 0) drop.abort();
      else setImmediate(() => drop.abort());
      const got = await Promise.all(outcomes);
      got.forEach(([kind, value], i) => {
        if (kind === 'ok') expect(value).toBe(js.gcd(i * 6, 12));
        else {
          expect(i % 3).toBe(0);
          expect(value).toBe('AbortError');
        }
      });
      if (round % 2 === 0) expect(got.filter(([k]) => k === 'err')).toHaveLength(Math.ceil(n / 3));
      expect(getEventListeners(keep.signal, 'abort')).toHaveLength(0);
      expect(getEventListeners(drop.signal, 'abort')).toHaveLength(0);
    }
  });

  it('rejects a signal that is not an AbortSignal', async () => {
    const p = pool(1);
    await expect(p.submitWith({ signal: 'soon' as unknown as AbortSignal }, 'gcd', 1, 2)).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(p.map('gcd', [[1, 2]], null as unknown as {})).rejects.toMatchObject({ name: 'TypeError' });
  });

  it('a process whose only work was aborted exits', async () => {
    const result = await runNode(
      `import { NativePool } from 'nogil/native';
       const pool = new NativePool({ threads: 1 });
       const running = new AbortController();
       const queued = new AbortController();
       const a = pool.submitWith({ signal: running.signal }, 'sleep', 60_000).catch((e) => e.name);
       const b = pool.submitWith({ signal: queued.signal }, 'sleep', 60_000).catch((e) => e.name);
       setTimeout(() => { running.abort(); queued.abort(); }, 100);
       console.log(await a, await b);`,
      { timeoutMs: 20_000 },
    );
    expect(result.stdout.trim()).toBe('AbortError AbortError');
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(15_000);
  });
});

describe('task controls for NativePoolExecutor (internal)', () => {
  it('state is exact: queued, then running, then finished', async () => {
    const p = pool(1);
    const first = submitTask(p, 'sleep', [150]);
    const second = submitTask(p, 'gcd', [12, 18]);
    expect(first.state).toBe('queued');
    expect(second.state).toBe('queued');
    await running(first);
    expect(second.state).toBe('queued');
    // Python's Future.cancel(): refused once running.
    expect(first.cancel()).toBe(false);
    expect(await first.promise).toBeUndefined();
    expect(first.state).toBe('finished');
    expect(await second.promise).toBe(6);
    expect(second.state).toBe('finished');
    expect(second.cancel()).toBe(false);
    expect(second.abort()).toBe(false);
  });

  it('cancel() while queued: true, it never runs, the promise rejects with an AbortError', async () => {
    const p = pool(1);
    const busy = submitTask(p, 'sleep', [100]);
    const queued = submitTask(p, 'sleep', [20_000]);
    await running(busy);
    expect(queued.cancel('no')).toBe(true);
    expect(queued.cancel()).toBe(false);
    await expect(queued.promise).rejects.toEqual(isAbortError('no'));
    expect(queued.state).toBe('finished');
    const started = performance.now();
    await busy.promise;
    expect(await p.submit('gcd', 2, 4)).toBe(2);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('bad input gives a finished task whose promise rejects', async () => {
    const p = pool(1);
    const task = submitTask(p, 'gcd', [1, -1]);
    expect(task.state).toBe('finished');
    expect(task.cancel()).toBe(false);
    await expect(task.promise).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
  });

  it('status words are reused safely across thousands of controlled tasks', async () => {
    const p = pool(2);
    for (let round = 0; round < 5; round++) {
      const tasks = Array.from({ length: 3000 }, (_, i) => submitTask(p, 'gcd', [i, 6]));
      tasks.forEach((t, i) => {
        if (i % 7 === 0) t.abort();
      });
      const got = await Promise.allSettled(tasks.map((t) => t.promise));
      got.forEach((o, i) => {
        if (i % 7 === 0) expect(o.status).toBe('rejected');
        else expect(o).toEqual({ status: 'fulfilled', value: js.gcd(i, 6) });
      });
    }
  });
});
