// The Executor base with a minimal function-running backend (inline-executor.ts): what the
// behaviour suite runs only on kinds whose tasks can throw, checked here on the base itself.
// CPython 3.14's map: an error is thrown at its position and ends the iteration, the tasks
// after it are cancelled (test_map_exception; 3.15 goes on after the error, 3.14 does not).
import { Future, TimeoutError } from 'nogil/futures';
import { afterEach, describe, expect, it } from 'vitest';
import { InlineExecutor } from './inline-executor.js';

let executor: InlineExecutor;
afterEach(async () => {
  await executor?.shutdown({ cancelFutures: true });
});

function divmod([a, b]: [number, number]): [number, number] {
  if (b === 0) throw new RangeError('integer division or modulo by zero');
  return [Math.floor(a / b), a % b];
}

describe('Executor base: map with a failing task', () => {
  it('throws at the failing position, then ends (CPython test_map_exception)', async () => {
    executor = new InlineExecutor();
    const it = executor.map(divmod, [
      [5, 2],
      [5, 3],
      [5, 0],
      [5, 5],
      [6, 1],
    ]);
    expect((await it.next()).value).toEqual([2, 1]);
    expect((await it.next()).value).toEqual([1, 2]);
    await expect(it.next()).rejects.toThrow(RangeError);
    expect((await it.next()).done).toBe(true);
    await executor.shutdown();
    expect(executor.stats().failed).toBe(1);
  });

  it('with chunks, a failing item fails its whole chunk: thrown at the chunk’s first position (as CPython 3.14’s process pool)', async () => {
    executor = new InlineExecutor();
    const inputs: Array<[number, number]> = [
      [5, 2],
      [5, 3],
      [5, 1],
      [5, 5],
      [5, 0],
      [6, 1],
      [7, 1],
    ];
    const it = executor.map(divmod, inputs, { chunksize: 3 });
    expect((await it.next()).value).toEqual([2, 1]);
    expect((await it.next()).value).toEqual([1, 2]);
    expect((await it.next()).value).toEqual([5, 0]);
    await expect(it.next()).rejects.toThrow('integer division or modulo by zero');
    expect((await it.next()).done).toBe(true);
  });

  it('a TimeoutError thrown by the task is the task’s error, whether or not map has a timeout (CPython test_map_timeout_from_callable)', async () => {
    for (const timeout of [undefined, 30_000]) {
      executor = new InlineExecutor();
      const it = executor.map(
        (x: number) => {
          if (x === 1) throw new TimeoutError('from the task');
          return x;
        },
        [0, 1, 2, 3],
        { timeout },
      );
      expect((await it.next()).value).toBe(0);
      await expect(it.next()).rejects.toThrow('from the task');
      expect((await it.next()).done).toBe(true);
      await executor.shutdown();
    }
  });

  it('a task’s error keeps its identity; the executor goes on; stats count it', async () => {
    executor = new InlineExecutor();
    const error = new SyntaxError('bad');
    const f = executor.submit(() => {
      throw error;
    });
    expect(await f.exception()).toBe(error);
    expect(await executor.submit((a: number) => a * 2, 21)).toBe(42);
    expect(executor.stats()).toMatchObject({ failed: 1, completed: 1, cancelled: 0 });
  });

  it('a future settled from outside before the backend ran it is left alone by the backend', async () => {
    executor = new InlineExecutor();
    let ran = false;
    const f = executor.submit(() => {
      ran = true;
      return 1;
    });
    expect(f.cancel()).toBe(true);
    await executor.shutdown();
    expect(ran).toBe(false);
    expect(f).toBeInstanceOf(Future);
    expect(f.state).toBe('CANCELLED_AND_NOTIFIED');
  });
});
