// The mechanism executors will reuse: which values are shared primitives, and how arguments
// are encoded for another thread or refused for another process.

import { Queue } from 'nogil/queue';
import { Barrier, Condition, Event, Lock, local, RLock, Semaphore, Thread, Value } from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import {
  decodeShared,
  encodeShared,
  findShared,
  isShareable,
  refuseShared,
  sharedKind,
} from '../../dist/internal/shareable.js';
import { toTaskRef, workerExecArgv } from '../../dist/internal/task-ref.js';

describe('shareable primitives', () => {
  test('every primitive answers "is this a shared primitive?" with its Python name', () => {
    const kinds = [
      new Lock(),
      new RLock(),
      new Condition(),
      new Semaphore(),
      new Event(),
      new Barrier(2),
      new Value('i'),
      new Queue(),
      local(),
    ].map(sharedKind);
    expect(kinds).toEqual(['Lock', 'RLock', 'Condition', 'Semaphore', 'Event', 'Barrier', 'Value', 'Queue', 'local']);
    expect(isShareable({})).toBe(false);
    expect(sharedKind(new SharedArrayBuffer(4))).toBeUndefined();
  });

  test('encodeShared leaves plain data alone and replaces primitives at any depth', () => {
    const plain = { a: [1, { b: 'c' }], d: new Map([[1, 2]]) };
    expect(encodeShared(plain)).toBe(plain);
    const lock = new Lock();
    const encoded = encodeShared({ a: [1, { lock }], s: new Set([lock]) });
    const cloned = structuredClone(encoded) as typeof encoded;
    const decoded = decodeShared(cloned) as { a: [number, { lock: Lock }]; s: Set<Lock> };
    expect(decoded.a[1].lock).toBeInstanceOf(Lock);
    decoded.a[1].lock.acquire({ blocking: false });
    expect(lock.locked()).toBe(true);
    expect([...decoded.s][0]).toBeInstanceOf(Lock);
  });

  test('encodeShared keeps every position of an array with holes (later arguments stay in place)', () => {
    const lock = new Lock();
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const encoded = encodeShared([1, , lock, 4]) as unknown[];
    expect(encoded).toHaveLength(4);
    expect(encoded[1]).toBeUndefined();
    expect(encoded[3]).toBe(4);
    expect(decodeShared(structuredClone(encoded))[2]).toBe(lock);
  });

  test('refuseShared names the primitive and where it is (a process pool task, API detail 18)', () => {
    expect(findShared([1, { q: new Queue() }], 'args')).toEqual({ kind: 'Queue', path: 'args[1].q' });
    expect(() => refuseShared([new Semaphore()], 'a ProcessPoolExecutor task', 'args')).toThrow(
      /A Semaphore \(at args\[0\]\) cannot be sent to a ProcessPoolExecutor task/,
    );
    expect(() => refuseShared([1, 'x'], 'a ProcessPoolExecutor task')).not.toThrow();
  });
});

describe('primitives inside errors', () => {
  test('a Lock stored on an Error in Thread args is refused with a TypeError naming its path', () => {
    const lock = new Lock();
    const withProp = Object.assign(new Error('carrier'), { lock });
    const t = new Thread({ target: () => {}, args: [1, { nested: [withProp] }], daemon: true });
    expect(() => t.start()).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringMatching(/^A Lock \(at args\[1\]\.nested\[0\]\.lock\) cannot cross/),
      }),
    );
    expect(t.isAlive()).toBe(false);
    // In `cause` too (structured clone would copy it as a dead plain object).
    const inCause = new Error('carrier', { cause: { q: new Queue() } });
    expect(() => encodeShared([inCause], 'args')).toThrow(/A Queue \(at args\[0\]\.cause\.q\)/);
    // Process pools name it as well; an Error without primitives passes unchanged.
    expect(() => refuseShared(withProp, 'a process', 'arg')).toThrow(/A Lock \(at arg\.lock\)/);
    const plain = [new Error('plain')];
    expect(encodeShared(plain)).toBe(plain);
  });
});

describe('task references', () => {
  test('functions travel by source, modules by URL; execArgv drops eval flags', () => {
    expect(toTaskRef((x: number) => x)).toMatchObject({ kind: 'source', wrap: 'expr' });
    expect(toTaskRef({ module: '/tmp/x.mjs', name: 'f' })).toEqual({
      kind: 'module',
      url: 'file:///tmp/x.mjs',
      name: 'f',
    });
    expect(toTaskRef({ module: 'some-package' })).toEqual({ kind: 'module', url: 'some-package', name: 'default' });
    expect(workerExecArgv(['--input-type=module', '-e', 'code', '--conditions', 'dev', '--eval=x', '-p', 'y'])).toEqual(
      ['--conditions', 'dev'],
    );
  });
});
