import { PriorityQueue, Queue, ShutDown } from 'nogil/queue';
import { describe, expect, test } from 'vitest';
import { fixture, joinAll, sleep, spawn } from '../helpers/threading.js';

describe('Queue.shutdown (Python 3.13)', () => {
  test('put fails at once; get drains the queue, then fails', async () => {
    const q = new Queue();
    await q.put(1);
    await q.put(2);
    expect(q.isShutdown).toBe(false);
    q.shutdown();
    expect(q.isShutdown).toBe(true);
    await expect(q.put(3)).rejects.toThrow(ShutDown);
    expect(() => q.putNowait(3)).toThrow(ShutDown);
    expect(await q.get()).toBe(1);
    expect(q.getNowait()).toBe(2);
    await expect(q.get()).rejects.toThrow(ShutDown);
    expect(() => q.getNowait()).toThrow(ShutDown);
  });

  test('immediate: the queue is emptied, gets fail at once, and join() is released', async () => {
    const q = new Queue();
    for (let i = 0; i < 3; i++) await q.put(i);
    await q.get(); // taken but not marked done
    const joining = q.join();
    q.shutdown(true);
    expect(q.qsize()).toBe(0);
    await expect(q.get()).rejects.toThrow(ShutDown);
    expect(q.unfinishedTasks).toBe(1);
    q.taskDone();
    await joining;
  });

  test('wakes every waiting getter and putter with ShutDown', async () => {
    const empty = new Queue();
    const getters = [empty.get(), empty.get({ timeout: 10_000 })];
    const full = new Queue(1);
    await full.put('x');
    const putters = [full.put('y'), full.put('z', { timeout: 10_000 })];
    await sleep(20);
    empty.shutdown();
    full.shutdown();
    for (const p of [...getters, ...putters]) await expect(p).rejects.toThrow(ShutDown);
    expect(await full.get()).toBe('x');
  });

  test('wakes workers blocked in getSync/putSync', async () => {
    const attempt = (queue: Queue, op: 'get' | 'put') => {
      try {
        if (op === 'get') queue.getSync();
        else queue.putSync('more');
        return 'no error';
      } catch (e) {
        return (e as Error).name;
      }
    };
    const empty = new Queue();
    const full = new Queue(1);
    await full.put('x');
    const threads = [spawn({ target: attempt, args: [empty, 'get'] }), spawn({ target: attempt, args: [full, 'put'] })];
    await sleep(150);
    expect(threads.map((t) => t.isAlive())).toEqual([true, true]);
    empty.shutdown();
    full.shutdown();
    expect(await joinAll(threads)).toEqual(['ShutDown', 'ShutDown']);
  });
});

describe('iteration', () => {
  test('for await ends once the queue is shut down and drained, marking each item done', async () => {
    const q = new Queue<number>();
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const item of q) {
        seen.push(item);
        // The item being processed is not done yet.
        expect(q.unfinishedTasks).toBeGreaterThanOrEqual(1);
      }
    })();
    for (let i = 0; i < 5; i++) await q.put(i);
    await q.join(); // works with an iterating consumer (API detail 21)
    q.shutdown();
    await consumer;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(q.unfinishedTasks).toBe(0);
  });

  test('breaking out of the loop marks the current item done', async () => {
    const q = new Queue<number>();
    await q.put(1);
    await q.put(2);
    for await (const item of q) {
      if (item === 1) break;
    }
    expect(q.unfinishedTasks).toBe(1);
    expect(q.getNowait()).toBe(2);
  });

  test('for await reads nothing ahead: what the loop has not asked for stays in the queue', async () => {
    const q = new PriorityQueue<number>(3);
    for (const i of [5, 6, 7]) q.putNowait(i);
    const seen: number[] = [];
    for await (const item of q) {
      seen.push(item);
      if (item === 5) {
        expect(q.qsize()).toBe(2); // not drained into the loop: maxsize still counts them
        expect(q.unfinishedTasks).toBe(3);
        q.putNowait(1); // a more urgent item put meanwhile comes next
      }
      if (seen.length === 4) break;
    }
    expect(seen).toEqual([5, 1, 6, 7]);
    expect(q.unfinishedTasks).toBe(0);
  });

  test('iterSync is the blocking twin for workers', async () => {
    const q = new Queue<number>(2);
    const t = spawn({ target: fixture('drain'), args: [q] });
    for (let i = 0; i < 10; i++) await q.put(i);
    await q.join();
    q.shutdown();
    expect(await joinAll([t])).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  });
});
