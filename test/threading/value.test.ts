import { Lock, RLock, Value } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { fixture, joinAll, spawn } from '../helpers/threading.js';

describe('Value (multiprocessing.Value semantics)', () => {
  test('typecodes hold numbers of their C type; integers wrap like C', () => {
    expect(new Value('i').value).toBe(0);
    expect(new Value('i', 7).value).toBe(7);
    const byte = new Value('b', 127);
    byte.value += 1;
    expect(byte.value).toBe(-128);
    expect(new Value('d', 0.25).value).toBe(0.25);
    expect(new Value('f', 0.1).value).toBeCloseTo(0.1, 6);
    expect(new Value('q', 2n ** 40n).value).toBe(2n ** 40n);
    expect(new Value('Q', 5).value).toBe(5n);
    expect(new Value('?', true).value).toBe(true);
    expect(new Value('c', 'A').value).toBe('A');
    expect(new Value('u', '€').value).toBe('€');
  });

  test('wrong typecodes and values are TypeErrors', () => {
    expect(() => new Value('z' as 'i')).toThrow(TypeError);
    expect(() => new Value('i', 1.5)).toThrow(TypeError);
    const v = new Value('i');
    expect(() => {
      v.value = 'x' as unknown as number;
    }).toThrow(TypeError);
    expect(() => new Value('c', 'AB')).toThrow(TypeError);
  });

  test('getLock() is an RLock by default, a given lock, or absent with lock: false', () => {
    expect(new Value('i').getLock()).toBeInstanceOf(RLock);
    const lock = new Lock();
    expect(new Value('i', 0, { lock }).getLock()).toBe(lock);
    expect(() => new Value('i', 0, { lock: false }).getLock()).toThrow(TypeError);
  });

  test('a worker sees and changes the same memory; the lock crosses with it', async () => {
    const v = new Value('d', 1.5);
    const t = spawn({
      target: (value: Value<'d'>) => {
        const before = value.value;
        const lock = value.getLock();
        lock.acquireSync();
        value.value = before * 2;
        lock.release();
        return [before, value.typecode, lock.constructor.name];
      },
      args: [v],
    });
    expect(await joinAll([t])).toEqual([[1.5, 'd', 'RLock']]);
    expect(v.value).toBe(3);
  });

  test('workers incrementing under getLock() lose nothing', async () => {
    const v = new Value('i', 0);
    const threads = [1, 2].map(() => spawn({ target: fixture('lockedIncrements'), args: [v.getLock(), v, 10_000] }));
    await joinAll(threads);
    expect(v.value).toBe(20_000);
  });

  test('async tasks on the main thread share it', async () => {
    const v = new Value('i', 0);
    await Promise.all(
      [1, 2, 3].map(async () => {
        for (let i = 0; i < 100; i++) {
          v.value += 1;
          await null;
        }
      }),
    );
    expect(v.value).toBe(300);
  });
});
