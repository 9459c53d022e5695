import { availableParallelism } from 'node:os';
import { counterRace } from 'nogil/native';
import { describe, expect, it } from 'vitest';
import { runNode } from '../helpers/node-child.js';

describe('counterRace: the tutorial’s 5 x 100000 increments on native threads', () => {
  it('is exact with a Rust mutex, every time', async () => {
    for (let i = 0; i < 10; i++) {
      expect(await counterRace({ threads: 5, increments: 100_000, locked: true })).toBe(500_000);
    }
  });

  it('loses updates without the lock on 2+ cores', async () => {
    expect(availableParallelism()).toBeGreaterThanOrEqual(2);
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) counts.push(await counterRace({ threads: 5, increments: 100_000, locked: false }));
    for (const c of counts) {
      // Lost updates can take the count below one thread's share (the race's floor is 2).
      expect(c).toBeGreaterThanOrEqual(2);
      expect(c).toBeLessThanOrEqual(500_000);
    }
    // Every run loses updates: the threads start together and interleave (see race.rs).
    expect(counts.filter((c) => c < 500_000)).toHaveLength(10);
  });

  it('one thread cannot race', async () => {
    expect(await counterRace({ threads: 1, increments: 12_345, locked: false })).toBe(12_345);
  });

  it('uses the tutorial’s numbers by default', async () => {
    expect(await counterRace({ locked: true })).toBe(500_000);
  });

  it('rejects, and lets the process exit, when its coordinator thread cannot start', async () => {
    // A stack no OS can give: every Rust thread spawn fails.
    const result = await runNode(
      `import { counterRace } from 'nogil/native';
       counterRace({ threads: 2, increments: 10, locked: true })
         .then((n) => console.log('resolved', n), (e) => console.log(e.code));`,
      { env: { RUST_MIN_STACK: '100000000000000' }, timeoutMs: 10_000 },
    );
    expect(result.stdout.trim()).toBe('ERR_NATIVE_THREAD_SPAWN');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
  });

  it('rejects bad options with Node’s codes', async () => {
    await expect(counterRace({ threads: 0 })).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    await expect(counterRace({ threads: 5000 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(counterRace({ increments: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(counterRace({ locked: 'yes' as unknown as boolean })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });
});
