import { availableParallelism } from 'node:os';
import { counterRace } from 'nogil/native';
import { describe, expect, it } from 'vitest';

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
      expect(c).toBeLessThanOrEqual(500_000);
      expect(c).toBeGreaterThanOrEqual(100_000);
    }
    // Visibly short: not an occasional off-by-a-few, most runs lose updates.
    expect(counts.filter((c) => c < 500_000).length).toBeGreaterThanOrEqual(5);
  });

  it('one thread cannot race', async () => {
    expect(await counterRace({ threads: 1, increments: 12_345, locked: false })).toBe(12_345);
  });

  it('uses the tutorial’s numbers by default', async () => {
    expect(await counterRace({ locked: true })).toBe(500_000);
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
