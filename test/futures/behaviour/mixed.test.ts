// wait() and asCompleted() over the futures of two different executors at once: every ordered
// pair of kinds (a kind with itself means two executors of that kind).
import { ALL_COMPLETED, asCompleted, FIRST_COMPLETED, type Future, wait } from 'nogil/futures';
import { describe, expect, it } from 'vitest';
import { kinds } from '../kinds/index.js';
import type { ExecutorKind } from '../kinds/kind.js';
import { executors, submit } from './helpers.js';

const pairs: Array<[string, ExecutorKind, ExecutorKind]> = kinds.flatMap((a) =>
  kinds.map((b): [string, ExecutorKind, ExecutorKind] => [`${a.name} + ${b.name}`, a, b]),
);

describe.each(pairs)('%s', (_, kindA, kindB) => {
  const createA = executors(kindA);
  const createB = executors(kindB);

  it('wait FIRST_COMPLETED returns the quick task of one executor while the other is busy', async () => {
    const a = createA({ maxWorkers: 1 });
    const b = createB({ maxWorkers: 1 });
    const slow = submit(a, kindA.sleep(300));
    const quick = submit(b, kindB.gcd(36, 24));
    const { done, notDone } = await wait([slow, quick], { returnWhen: FIRST_COMPLETED });
    expect(done).toEqual(new Set([quick]));
    expect(notDone).toEqual(new Set([slow]));
    const all = await wait([slow, quick], { returnWhen: ALL_COMPLETED, timeout: 30_000 });
    expect(all.done.size).toBe(2);
  });

  it('asCompleted yields the futures of both executors, each once, in completion order (repeated)', async () => {
    const a = createA({ maxWorkers: 2 });
    const b = createB({ maxWorkers: 2 });
    for (let round = 0; round < 5; round++) {
      const slow = submit(a, kindA.sleep(150));
      const fromA = Array.from({ length: 4 }, (_, i) => submit(a, kindA.gcd(6 * i, 9)));
      const fromB = Array.from({ length: 4 }, (_, i) => submit(b, kindB.gcd(10 * i, 4)));
      const all = [slow, ...fromA, ...fromB, fromB[0]!];
      const yielded: Array<Future<unknown>> = [];
      for await (const f of asCompleted(all)) yielded.push(f);
      expect(yielded).toHaveLength(9);
      expect(new Set(yielded)).toEqual(new Set(all));
      expect(yielded.at(-1)).toBe(slow);
      expect(await Promise.all(fromB)).toEqual([4, 2, 4, 2]);
    }
  });

  it('asCompleted with a timeout over both: the finished ones, then TimeoutError', async () => {
    const a = createA({ maxWorkers: 1 });
    const b = createB({ maxWorkers: 1 });
    const quick = submit(a, kindA.gcd(3, 12));
    const slow = submit(b, kindB.sleep(500));
    await quick;
    const seen: Array<Future<unknown>> = [];
    await expect(
      (async () => {
        for await (const f of asCompleted([quick, slow], { timeout: 50 })) seen.push(f);
      })(),
    ).rejects.toThrow('1 (of 2) futures unfinished');
    expect(seen).toEqual([quick]);
  });
});
