import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Queue } from 'nogil/queue';
import {
  __excepthook__,
  activeCount,
  Condition,
  currentThread,
  Event,
  enumerate,
  excepthook,
  getIdent,
  getNativeId,
  Lock,
  mainThread,
  RuntimeError,
  setExcepthook,
  Thread,
  Value,
} from 'nogil/threading';
import { describe, expect, test } from 'vitest';
import { fixture, joinAll, reported, since, spawn } from '../helpers/threading.js';

const run = promisify(execFile);
const script = (name: string): string => fileURLToPath(new URL(`../fixtures/threading/${name}`, import.meta.url));

describe('the main thread', () => {
  test('is MainThread, alive, ident 1 = getIdent(), nativeId = process id', () => {
    const main = mainThread();
    expect(currentThread()).toBe(main);
    expect(main.name).toBe('MainThread');
    expect(main.isAlive()).toBe(true);
    expect(main.daemon).toBe(false);
    expect(main.ident).toBe(1);
    expect(getIdent()).toBe(1);
    expect(main.nativeId).toBe(process.pid);
    expect(getNativeId()).toBe(process.pid);
    expect(enumerate()).toContain(main);
  });

  test('cannot be joined from itself', async () => {
    await expect(mainThread().join()).rejects.toThrow('cannot join current thread');
  });
});

describe('Thread lifecycle (Python semantics)', () => {
  test('defaults before start: Thread-N name, not alive, ident/nativeId/result/error undefined', () => {
    const a = new Thread({ target: () => 1 });
    const b = new Thread();
    const na = Number(a.name.replace('Thread-', ''));
    expect(a.name).toMatch(/^Thread-\d+$/);
    expect(b.name).toBe(`Thread-${na + 1}`);
    expect(new Thread({ name: 'custom' }).name).toBe('custom');
    expect(a.isAlive()).toBe(false);
    expect(a.daemon).toBe(false);
    expect(a.ident).toBeUndefined();
    expect(a.nativeId).toBeUndefined();
    expect(a.result).toBeUndefined();
    expect(a.error).toBeUndefined();
    expect(String(a)).toMatch(/^<Thread\(Thread-\d+, initial\)>$/);
  });

  test('start() twice, join() before start, daemon after start are RuntimeErrors', async () => {
    const t = new Thread({ target: () => 1, daemon: true });
    await expect(t.join()).rejects.toThrow('cannot join thread before it is started');
    t.start();
    expect(() => t.start()).toThrow(RuntimeError);
    expect(() => t.start()).toThrow('threads can only be started once');
    expect(() => {
      t.daemon = false;
    }).toThrow('cannot set daemon status of active thread');
    await t.join();
    expect(t.result).toBe(1);
  });

  test('alive from start() until the target finishes; enumerate()/activeCount() list it meanwhile', async () => {
    const release = new Event();
    const before = activeCount();
    const t = spawn({ target: fixture('waitEvent'), args: [release, 10_000] });
    expect(t.isAlive()).toBe(true);
    expect(typeof t.ident).toBe('number');
    expect(enumerate()).toContain(t);
    expect(activeCount()).toBe(before + 1);
    await t.join(50);
    expect(t.isAlive()).toBe(true); // join(timeout) returned, the thread is still running
    release.set();
    await t.join();
    expect(t.isAlive()).toBe(false);
    expect(enumerate()).not.toContain(t);
    expect(activeCount()).toBe(before);
    expect(t.result).toBe(true);
    expect(typeof t.nativeId).toBe('number');
  });

  test.runIf(process.platform === 'linux')(
    'nativeId is a number as soon as start() returns (as Python), the id the thread reports itself',
    async () => {
      const threads = [1, 2, 3].map(
        () => new Thread({ target: async () => (await import('nogil/threading')).getNativeId() }),
      );
      for (const t of threads) t.start();
      const early = threads.map((t) => t.nativeId);
      for (const id of early) expect(typeof id).toBe('number');
      expect(new Set(early).size).toBe(3);
      const reported = await joinAll(threads);
      expect(reported).toEqual(early);
      expect(threads.map((t) => t.nativeId)).toEqual(early);
    },
  );

  test('join(timeout) resolves after about the timeout', async () => {
    const release = new Event();
    const t = spawn({ target: fixture('waitEvent'), args: [release, 10_000] });
    const start = performance.now();
    await t.join(100);
    expect(since(start)).toBeGreaterThanOrEqual(99);
    expect(since(start)).toBeLessThan(150);
    release.set();
  });

  test('inside the thread: its name, ident, nativeId, daemon flag, and the main thread', async () => {
    const t = spawn({ target: fixture('whoAmI'), name: 'reader', daemon: true });
    const [me] = (await joinAll([t])) as [Record<string, unknown>];
    expect(me).toEqual({
      name: 'reader',
      ident: t.ident,
      nativeId: t.nativeId,
      daemon: true,
      getIdent: t.ident,
      getNativeId: t.nativeId,
      alive: true,
      main: 'MainThread',
      mainIdent: 1,
    });
    expect(t.nativeId).not.toBe(process.pid);
  });
});

describe('Thread targets', () => {
  test('a self-contained function (async ones are awaited) with cloned arguments', async () => {
    const t = spawn({
      target: async (a: number, b: { list: number[] }) => {
        await new Promise((r) => setTimeout(r, 5));
        const { sep } = await import('node:path');
        return { sum: a + b.list.reduce((x, y) => x + y, 0), sep };
      },
      args: [1, { list: [2, 3] }],
    });
    expect(await joinAll([t])).toEqual([{ sum: 6, sep: '/' }]);
  });

  test('method shorthand and function expressions are accepted', async () => {
    const holder = {
      triple(x: number) {
        return x * 3;
      },
    };
    const t1 = spawn({ target: holder.triple, args: [5] });
    const t2 = spawn({
      target: function named(x: number) {
        return x + 1;
      },
      args: [1],
    });
    expect(await joinAll([t1, t2])).toEqual([15, 2]);
  });

  test('{ module, name } with a URL, a path, and the default export name', async () => {
    const url = new URL('../fixtures/threading/targets.mjs', import.meta.url);
    const t1 = spawn({ target: { module: url, name: 'echo' }, args: [1, 'two'] });
    const t2 = spawn({ target: { module: fileURLToPath(url), name: 'later' }, args: [5, 'ok'] });
    const t3 = spawn({ target: { module: url.href, name: 'echo' } });
    expect(await joinAll([t1, t2, t3])).toEqual([[1, 'two'], 'ok', []]);
  });

  test('bad targets and uncloneable arguments throw at the call site; the thread is not started', () => {
    expect(() => new Thread({ target: 42 as unknown as () => void })).toThrow(TypeError);
    expect(() => new Thread({ target: Math.max })).toThrow(/self-contained/);
    expect(() => new Thread({ target: { module: 1 as unknown as string } })).toThrow(TypeError);
    expect(() => new Thread({ args: 5 as unknown as [] })).toThrow(TypeError);
    const t = new Thread({ target: (f: unknown) => f, args: [() => 1] });
    expect(() => t.start()).toThrow(/could not be cloned/);
    expect(t.isAlive()).toBe(false);
  });

  test('a shared primitive returned by the target arrives as a live handle', async () => {
    const t = spawn({
      target: () => {
        return import('nogil/threading').then(({ Lock }) => {
          const lock = new Lock();
          lock.acquireSync();
          return lock;
        });
      },
    });
    const [lock] = (await joinAll([t])) as [Lock];
    expect(lock).toBeInstanceOf(Lock);
    expect(lock.locked()).toBe(true);
    lock.release();
  });

  test('a primitive is one object per thread, as in Python: passed twice, inside another, or sent back', async () => {
    const lock = new Lock();
    const cond = new Condition(lock);
    const value = new Value('i', 0, { lock });
    const queue = new Queue();
    const t = spawn({
      target: (a: Lock, b: Lock, c: Condition, v: Value<'i'>, q: Queue) => {
        return { same: a === b, condLock: c.lock === a, valueLock: v.getLock() === a, back: [a, c, q] };
      },
      args: [lock, lock, cond, value, queue],
    });
    const [r] = (await joinAll([t])) as [{ same: boolean; condLock: boolean; valueLock: boolean; back: unknown[] }];
    expect([r.same, r.condLock, r.valueLock]).toEqual([true, true, true]);
    expect(r.back[0]).toBe(lock);
    expect(r.back[1]).toBe(cond);
    expect(r.back[2]).toBe(queue);
  });

  test('a thread can start threads of its own', async () => {
    const t = spawn({
      target: async () => {
        const { Thread: T } = await import('nogil/threading');
        const inner = new T({ target: (x: number) => x * 2, args: [21], name: 'inner' });
        inner.start();
        await inner.join();
        return [inner.result, inner.name];
      },
    });
    expect(await joinAll([t])).toEqual([[42, 'inner']]);
  });
});

describe('errors in targets', () => {
  test('are kept in `error` with class, message, stack and properties, and reported to excepthook', async () => {
    const t = spawn({ target: fixture('fail'), args: ['RangeError', 'out of bounds'] });
    await t.join();
    expect(t.error).toBeInstanceOf(RangeError);
    expect(t.error).toMatchObject({ message: 'out of bounds', code: 'E_FIXTURE', extra: { answer: 42 } });
    expect((t.error as Error).stack).toContain('targets.mjs');
    expect(t.result).toBeUndefined();
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ excType: RangeError, excValue: t.error, thread: t });
  });

  test('a target using a variable of its enclosing scope gets an error that names it and says why', async () => {
    const offset = 41;
    const t = spawn({ target: (x: number) => x + offset, args: [1] });
    await t.join();
    expect(t.error).toBeInstanceOf(ReferenceError);
    const message = (t.error as Error).message;
    expect(message).toMatch(/uses `offset`/);
    expect(message).toMatch(/sent to other threads by source/);
    expect(message).toMatch(/pass offset in args/);
    expect((t.error as Error & { cause?: Error }).cause?.message).toBe('offset is not defined');
    // A ReferenceError for a name the target does not use itself is left as it is.
    const inner = spawn({ target: () => new Function(`return ${'missing'}Global`)() });
    await inner.join();
    expect((inner.error as Error).message).toBe('missingGlobal is not defined');
  });

  test("nogil's own errors keep their class across the thread boundary", async () => {
    const t = spawn({
      target: async () => {
        const { Lock: L } = await import('nogil/threading');
        new L().release(); // RuntimeError: release unlocked lock
      },
    });
    await t.join();
    expect(t.error).toBeInstanceOf(RuntimeError);
    expect((t.error as Error).message).toBe('release unlocked lock');
  });

  test('an uncaught error after the target started is reported and does not crash the process', async () => {
    const t = spawn({
      target: async () => {
        setTimeout(() => {
          throw new Error('late failure');
        }, 1);
        await new Promise(() => {});
      },
    });
    await t.join(10_000);
    expect(t.isAlive()).toBe(false);
    expect((t.error as Error).message).toBe('late failure');
  });

  test('setExcepthook replaces the live `excepthook` binding; null restores the default', () => {
    const mine = (): void => {};
    const previous = excepthook;
    setExcepthook(mine);
    expect(excepthook).toBe(mine);
    setExcepthook(null);
    expect(excepthook).toBe(__excepthook__);
    setExcepthook(previous);
    expect(() => setExcepthook(5 as unknown as () => void)).toThrow(TypeError);
  });

  test('the default hook prints "Exception in thread <name>:" and the stack to stderr', async () => {
    const { stdout, stderr } = await run(process.execPath, [script('hook.mjs')]);
    expect(stderr).toMatch(/^Exception in thread worker-7:\nTypeError: bad input\n\s+at /);
    expect(stdout).toBe('joined; error is TypeError; process still alive\n');
  });
});

describe('daemon threads', () => {
  test('a daemon thread does not keep the process alive', async () => {
    const start = performance.now();
    const { stdout } = await run(process.execPath, [script('daemon.mjs'), 'daemon'], { timeout: 20_000 });
    expect(stdout).toBe('main done (daemon=true)\n');
    expect(since(start)).toBeLessThan(10_000);
  });

  test('a non-daemon thread does', async () => {
    const { stdout } = await run(process.execPath, [script('daemon.mjs'), 'plain'], { timeout: 20_000 });
    expect(stdout).toBe('main done (daemon=false)\nthread finished\n');
  });

  test('a finished thread does not keep the process alive, even with a setInterval left behind', async () => {
    const { stdout } = await run(process.execPath, [script('leftover-interval.mjs')], { timeout: 20_000 });
    // No tick printed after the target returned; the lock stays held (Python: a finished thread
    // keeps its locks) and the process exits.
    expect(stdout).toBe('target returns\njoined: alive=false result=7 locked=true\ntaken over: false; abandoned=0\n');
  });

  test("a thread's daemon flag defaults to its creator's", async () => {
    const t = spawn({
      target: async () => {
        const { Thread: T } = await import('nogil/threading');
        return new T().daemon;
      },
      daemon: true,
    });
    expect(await joinAll([t])).toEqual([true]);
  });
});
