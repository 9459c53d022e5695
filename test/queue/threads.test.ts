// Queues in the three settings: async tasks on the main thread, main thread <-> worker, and
// worker <-> worker, plus the 1M-item stress test.
import { Queue } from 'nogil/queue';
import { describe, expect, test } from 'vitest';
import { fixture, joinAll, repeat, sleep, spawn } from '../helpers/threading.js';

// A worker consumer (sent by source): marks each item it gets in `marks` until a negative one.
const markUntilNegative = (queue: Queue<number>, marks: Int32Array): number => {
  let n = 0;
  for (;;) {
    const item = queue.getSync();
    if (item < 0) return n;
    Atomics.add(marks, item, 1);
    n++;
  }
};

describe('Queue between async tasks on the main thread', () => {
  test('producers and consumers move every item once; maxsize holds producers back', async () => {
    const q = new Queue<number>(4);
    let maxSeen = 0;
    const got: number[] = [];
    const producer = async (from: number) => {
      for (let i = from; i < from + 100; i++) {
        await q.put(i);
        maxSeen = Math.max(maxSeen, q.qsize());
      }
    };
    const consumer = async () => {
      for (;;) {
        const item = await q.get();
        q.taskDone();
        if (item < 0) return;
        got.push(item);
        if (item % 7 === 0) await sleep(0);
      }
    };
    const consumers = [consumer(), consumer()];
    await Promise.all([producer(0), producer(100)]);
    await q.join();
    await q.put(-1);
    await q.put(-1);
    await Promise.all(consumers);
    expect(maxSeen).toBeLessThanOrEqual(4);
    expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});

describe('Queue between the main thread and a worker', () => {
  test('a bounded queue makes the worker wait for the main thread (back-pressure), in order', async () => {
    const q = new Queue<number>(2);
    const t = spawn({ target: fixture('produce'), args: [q, 0, 50] });
    while (q.qsize() < 2) await sleep(5);
    await sleep(100);
    expect(q.qsize()).toBe(2); // the worker is blocked in putSync
    expect(t.isAlive()).toBe(true);
    const got: number[] = [];
    for (let i = 0; i < 50; i++) got.push(await q.get());
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await joinAll([t]);
  });

  test('the main thread feeds a consuming worker', async () => {
    const q = new Queue<number | string>();
    const t = spawn({ target: fixture('consumeUntil'), args: [q, 'stop'] });
    for (let i = 0; i < 100; i++) await q.put(i);
    await q.put('stop');
    expect(await joinAll([t])).toEqual([Array.from({ length: 100 }, (_, i) => i)]);
  });
});

describe('for await on the main thread, fed by a worker', () => {
  test('loops that stop early and start again lose and repeat nothing, in order', async () => {
    await repeat(5, async () => {
      const q = new Queue<number>(256);
      const n = 20_000;
      const t = spawn({
        target: (queue: Queue<number>, count: number) => {
          for (let i = 0; i < count; i++) queue.putSync(i);
          queue.shutdown();
        },
        args: [q, n],
      });
      const got: number[] = [];
      // Leave the loop every 700 items (items read ahead go back), then iterate again.
      for (let open = true; open; ) {
        open = false;
        for await (const item of q) {
          got.push(item);
          if (got.length % 700 === 0) {
            open = true;
            break;
          }
        }
      }
      await joinAll([t]);
      expect(got.length).toBe(n);
      expect(got.every((v, i) => v === i)).toBe(true);
      expect(q.unfinishedTasks).toBe(0);
    });
  });
});

describe('Queue between workers', () => {
  test('FIFO order from one producer holds across threads', async () => {
    const q = new Queue<number>(8);
    const consumer = spawn({ target: fixture('consumeUntil'), args: [q, -1] });
    const producer = spawn({ target: fixture('produce'), args: [q, 0, 5_000] });
    await joinAll([producer]);
    await q.put(-1);
    const [items] = (await joinAll([consumer])) as [number[]];
    expect(items).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
  });

  test('stress: notified, timed-out and async waiters mixed on a Queue(2) lose no wake-up (3 rounds)', async () => {
    // Consumers that time out (and retry) leave the wait as notified ones do: the queue's count of
    // notified waiters must never make a put skip a sleeper that needs the wake-up (a hang here).
    await repeat(3, async () => {
      const total = 40_000;
      const q = new Queue<number>(2);
      const seen = new Int32Array(new SharedArrayBuffer(total * 4));
      const impatient = (queue: Queue<number>, marks: Int32Array) => {
        let n = 0;
        for (;;) {
          let item: number;
          try {
            item = queue.getSync({ timeout: 0.2 });
          } catch (error) {
            if ((error as Error).name === 'Empty') continue;
            throw error;
          }
          if (item < 0) return n;
          Atomics.add(marks, item, 1);
          n++;
        }
      };
      const consumers = [
        spawn({ target: impatient, args: [q, seen] }),
        spawn({ target: markUntilNegative, args: [q, seen] }),
      ];
      let mainCount = 0;
      const mainConsumer = (async () => {
        for (;;) {
          const item = await q.get();
          if (item < 0) return;
          Atomics.add(seen, item, 1);
          mainCount++;
        }
      })();
      const producers = [
        spawn({ target: fixture('produce'), args: [q, 0, total / 2] }),
        spawn({ target: fixture('produce'), args: [q, total / 2, total / 2] }),
      ];
      await joinAll(producers, 60_000);
      for (let i = 0; i < 3; i++) await q.put(-1);
      const counts = (await joinAll(consumers, 60_000)) as number[];
      await mainConsumer;
      expect(counts[0]! + counts[1]! + mainCount).toBe(total);
      let wrong = 0;
      for (let i = 0; i < total; i++) if (seen[i] !== 1) wrong++;
      expect(wrong).toBe(0);
    });
  }, 180_000);

  test('stress: 2 producers + 2 consumers move 1M items through a Queue(64), none lost or duplicated', async () => {
    await repeat(2, async () => {
      const total = 1_000_000;
      const q = new Queue<number>(64);
      const seen = new Int32Array(new SharedArrayBuffer(total * 4));
      const consumers = [
        spawn({ target: markUntilNegative, args: [q, seen] }),
        spawn({ target: markUntilNegative, args: [q, seen] }),
      ];
      const producers = [
        spawn({ target: fixture('produce'), args: [q, 0, total / 2] }),
        spawn({ target: fixture('produce'), args: [q, total / 2, total / 2] }),
      ];
      await joinAll(producers, 120_000);
      await q.put(-1);
      await q.put(-1);
      const counts = (await joinAll(consumers, 120_000)) as number[];
      expect(counts[0]! + counts[1]!).toBe(total);
      let wrong = 0;
      for (let i = 0; i < total; i++) if (seen[i] !== 1) wrong++;
      expect(wrong).toBe(0);
      expect(q.empty()).toBe(true);
    });
  }, 240_000);
});
