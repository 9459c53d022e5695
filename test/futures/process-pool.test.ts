// ProcessPoolExecutor's own behaviour (the shared suite covers what every executor does): real
// child processes, real crashes (process.exit, an uncaught error in a timer, SIGKILL from outside,
// V8 out of memory), limits, the initializer, abort, terminate/kill, exiting without shutdown,
// refusal of shared-memory primitives, and what crosses the process boundary intact.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BrokenExecutor,
  BrokenProcessPool,
  CancelledError,
  type Future,
  ProcessPoolExecutor,
  RuntimeError,
  ValueError,
} from 'nogil/futures';
import { Event, Lock, Value } from 'nogil/threading';
import { afterEach, describe, expect, expectTypeOf, test } from 'vitest';
import { runNode } from '../helpers/node-child.js';
import { assertNoChildren, childrenOf, eventually, isAlive } from '../helpers/proc.js';

const tasks = fileURLToPath(new URL('../fixtures/futures/process-tasks.mjs', import.meta.url));

const open: ProcessPoolExecutor[] = [];
function pool(options?: ConstructorParameters<typeof ProcessPoolExecutor>[0]): ProcessPoolExecutor {
  const executor = new ProcessPoolExecutor(options);
  open.push(executor);
  return executor;
}

afterEach(async () => {
  for (const executor of open.splice(0)) await executor.shutdown({ cancelFutures: true });
  assertNoChildren();
});

// Task functions (sent by source: self-contained).
const pid = (): number => process.pid;
const add = (a: number, b: number): number => a + b;
function block(ms: number): number {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return process.pid;
}
const exitWith = (code: number): never => process.exit(code);
function throwLater(): Promise<never> {
  setTimeout(() => {
    throw new RangeError('thrown in a timer');
  }, 1);
  return new Promise(() => {});
}
function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

async function rejection(future: PromiseLike<unknown>): Promise<Error> {
  try {
    await future;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the future did not reject');
}

/** Processes (anywhere on the machine) whose environment carries `tag`. */
function tagged(tag: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(tag)) out.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

describe('ProcessPoolExecutor options', () => {
  test('maxWorkers and maxTasksPerChild are validated like Python (ValueError) and Node (Type/RangeError)', () => {
    expect(() => new ProcessPoolExecutor({ maxWorkers: 0 })).toThrow(ValueError);
    expect(() => new ProcessPoolExecutor({ maxWorkers: 1.5 })).toThrow(RangeError);
    expect(() => new ProcessPoolExecutor({ maxWorkers: '2' as never })).toThrow(TypeError);
    expect(() => new ProcessPoolExecutor({ maxTasksPerChild: 0 })).toThrow(ValueError);
    expect(() => new ProcessPoolExecutor({ maxTasksPerChild: 2.5 })).toThrow(RangeError);
    expect(() => new ProcessPoolExecutor({ maxTasksPerChild: '3' as never })).toThrow(TypeError);
    expect(() => new ProcessPoolExecutor({ initargs: 3 as never })).toThrow(TypeError);
    expect(() => new ProcessPoolExecutor({ initializer: 3 as never })).toThrow(TypeError);
    expect(() => new ProcessPoolExecutor({ maxWorker: 2 } as never)).toThrow(TypeError);
    expect(() => (pool().submit as (fn: unknown) => unknown)(42)).toThrow(TypeError);
  });

  test('children start on demand, are reused, and never exceed maxWorkers', async () => {
    const executor = pool({ maxWorkers: 2 });
    expect(executor.stats().workers).toBe(0);
    expect(childrenOf()).toHaveLength(0);
    const pids = await Promise.all(Array.from({ length: 12 }, () => executor.submit(block, 20)));
    expect(new Set(pids).size).toBeLessThanOrEqual(2);
    const again = await Promise.all(Array.from({ length: 12 }, () => executor.submit(pid)));
    for (const p of again) expect(pids).toContain(p);
    expect(executor.stats()).toMatchObject({ workers: new Set(pids).size, idle: new Set(pids).size, running: 0 });
  });

  test('maxTasksPerChild replaces a child after that many tasks', async () => {
    const executor = pool({ maxWorkers: 1, maxTasksPerChild: 2 });
    const pids: number[] = [];
    for (let i = 0; i < 6; i++) pids.push(await executor.submit(pid));
    expect(new Set(pids).size).toBe(3);
    expect(pids[0]).toBe(pids[1]);
    expect(pids[2]).toBe(pids[3]);
    expect(pids[4]).toBe(pids[5]);
    await eventually(() => !isAlive(pids[0] as number) && !isAlive(pids[2] as number), 'retired children exit');
    // Submitted all at once as well: no child ever runs more than 2.
    const burst = await Promise.all(Array.from({ length: 10 }, () => executor.submit(pid)));
    const counts = new Map<number, number>();
    for (const p of burst) counts.set(p, (counts.get(p) ?? 0) + 1);
    for (const n of counts.values()) expect(n).toBeLessThanOrEqual(2);
  });
});

describe('ProcessPoolExecutor types', () => {
  test('submit and map infer arguments and results from fn; misuse does not compile', async () => {
    const executor = pool({ maxWorkers: 1 });
    const sum = executor.submit(add, 1, 2);
    expectTypeOf(sum).toEqualTypeOf<Future<number>>();
    const later = executor.submit(async (s: string) => s.length, 'abc');
    expectTypeOf(later).toEqualTypeOf<Future<number>>();
    expectTypeOf(executor.map((p: [number, number]) => gcd(...p), [[4, 6] as [number, number]])).toEqualTypeOf<
      AsyncIterableIterator<number>
    >();
    // @ts-expect-error: a string where fn takes a number
    expect(() => executor.submit(add, 'one', 2)).not.toThrow();
    // @ts-expect-error: a missing argument
    expect(() => executor.submit(add, 1)).not.toThrow();
    // @ts-expect-error: not a task at all
    expect(() => executor.submit(42)).toThrow(TypeError);
    // @ts-expect-error: maxTasksPerChild is a number
    expect(() => new ProcessPoolExecutor({ maxTasksPerChild: 'many' })).toThrow(TypeError);
    expect(await sum).toBe(3);
    expect(await later).toBe(3);
    await executor.shutdown({ cancelFutures: true });
  });
});

describe('ProcessPoolExecutor tasks', () => {
  test('arguments and results cross by advanced serialization (Map, Set, Date, BigInt, typed arrays, cycles)', async () => {
    const executor = pool({ maxWorkers: 1 });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const input = {
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, new Date(86_400_000)],
      ]),
      set: new Set([1n, 2n ** 80n]),
      bytes: new Uint8Array([1, 2, 3]),
      floats: new Float64Array([0.5, -0]),
      cyclic,
      regexp: /x+/gi,
      undef: undefined,
    };
    const echo = (value: typeof input): typeof input => value;
    const out = await executor.submit(echo, input);
    expect(out.map).toBeInstanceOf(Map);
    expect(out.map.get(2)).toBeInstanceOf(Date);
    expect((out.map.get(2) as Date).getTime()).toBe(86_400_000);
    expect([...out.set]).toEqual([1n, 2n ** 80n]);
    expect(out.bytes).toBeInstanceOf(Uint8Array);
    expect([...out.bytes]).toEqual([1, 2, 3]);
    expect(Object.is(out.floats[1], -0)).toBe(true);
    expect(out.cyclic.self).toBe(out.cyclic);
    expect(out.regexp).toEqual(/x+/gi);
    expect('undef' in out).toBe(true);
    // Made in the child.
    const made = await executor.submit(() => new Map<string, unknown>([['when', new Date(0)]]).set('big', 10n ** 30n));
    expect(made.get('when')).toEqual(new Date(0));
    expect(made.get('big')).toBe(10n ** 30n);
  });

  test('an async task is awaited; module tasks work; map keeps input order with chunksize', async () => {
    const executor = pool({ maxWorkers: 2 });
    const later = async (x: number): Promise<number> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return x * 2;
    };
    expect(await executor.submit(later, 21)).toBe(42);
    expect(await executor.submit({ module: 'node:path', name: 'basename' }, '/a/b.txt')).toBe('b.txt');
    const items = Array.from({ length: 250 }, (_, i) => i);
    const out: number[] = [];
    for await (const v of executor.map((x: number) => x * x, items, { chunksize: 16 })) out.push(v);
    expect(out).toEqual(items.map((x) => x * x));
  });

  test('errors keep class name, message and stack; nogil errors stay instanceof', async () => {
    const executor = pool({ maxWorkers: 1 });
    function throwsCustom(): never {
      class ParseFailure extends Error {
        override name = 'ParseFailure';
        readonly line = 7;
      }
      throw new ParseFailure('bad token');
    }
    const custom = await rejection(executor.submit(throwsCustom));
    expect(custom.name).toBe('ParseFailure');
    expect(custom.message).toBe('bad token');
    expect((custom as Error & { line: number }).line).toBe(7);
    expect(custom.stack).toContain('throwsCustom');
    const typeError = await rejection(executor.submit((): never => (null as never as { x: () => never }).x()));
    expect(typeError).toBeInstanceOf(TypeError);
    const nogil = await rejection(executor.submit({ module: tasks, name: 'throwValueError' }, 'out of range'));
    expect(nogil).toBeInstanceOf(ValueError);
    expect(nogil).toBeInstanceOf(Error);
    expect(nogil.message).toBe('out of range');
    expect(nogil.stack).toContain('throwValueError');
  });

  test('a result that cannot be serialized rejects with a DataCloneError and the child survives', async () => {
    const executor = pool({ maxWorkers: 1 });
    const before = await executor.submit(pid);
    const error = await rejection(executor.submit(() => ({ fn: () => 1 })));
    expect(error.name).toBe('DataCloneError');
    expect(error.message).toMatch(/could not be sent to the parent process/);
    expect(await executor.submit(pid)).toBe(before);
  });

  test('arguments that cannot be serialized reject that future only (DataCloneError)', async () => {
    const executor = pool({ maxWorkers: 1 });
    const before = await executor.submit(pid);
    const good1 = executor.submit(add, 1, 2);
    const bad = executor.submit(add as (a: unknown, b: number) => number, () => 1, 2);
    const good2 = executor.submit(add, 3, 4);
    expect((await rejection(bad)).name).toBe('DataCloneError');
    expect(await good1).toBe(3);
    expect(await good2).toBe(7);
    expect(await executor.submit(pid)).toBe(before);
  });

  test('a missing module or export rejects naming both; an outer variable is named', async () => {
    const executor = pool({ maxWorkers: 1 });
    const noExport = await rejection(executor.submit({ module: tasks, name: 'noSuchTask' }));
    expect(noExport.message).toContain('noSuchTask');
    expect(noExport.message).toContain('process-tasks.mjs');
    const noModule = await rejection(executor.submit({ module: '/nonexistent/dir/mod.mjs', name: 'run' }));
    expect(noModule.message).toContain('/nonexistent/dir/mod.mjs');
    expect(noModule.message).toContain("'run'");
    const outerFactor = 3;
    const usesOuter = (x: number): number => x * outerFactor;
    const outer = await rejection(executor.submit(usesOuter, 2));
    expect(outer).toBeInstanceOf(ReferenceError);
    expect(outer.message).toContain('outerFactor');
    expect(outer.message).toContain('by source');
    expect(await executor.submit(add, 1, 1)).toBe(2);
  });

  test('shared-memory primitives are refused at submit with a TypeError naming them', () => {
    const executor = pool({ maxWorkers: 1 });
    expect(() => executor.submit((l: unknown) => l, new Lock())).toThrow(/Lock \(at args\[0\]\)/);
    expect(() => executor.submit((o: unknown) => o, { deep: [new Event()] })).toThrow(TypeError);
    expect(() => executor.submit((o: unknown) => o, { deep: [new Event()] })).toThrow(/Event/);
    expect(() => executor.map((v: unknown) => v, [1, new Value('i', 0)], { chunksize: 2 })).toThrow(/Value/);
    expect(() => new ProcessPoolExecutor({ initializer: () => {}, initargs: [new Lock()] })).toThrow(/Lock/);
    expect(executor.stats()).toMatchObject({ queued: 0, running: 0, workers: 0 });
  });
});

describe('ProcessPoolExecutor initializer', () => {
  test('runs once in every child before its tasks (function and module forms)', async () => {
    const executor = pool({ maxWorkers: 2, initializer: { module: tasks, name: 'remember' }, initargs: [1, 'two'] });
    const seen = await Promise.all(
      Array.from({ length: 8 }, () => executor.submit({ module: tasks, name: 'initialized' })),
    );
    for (const s of seen) expect((s as { args: unknown[] }).args).toEqual([1, 'two']);
    const fnForm = pool({
      maxWorkers: 1,
      initializer: (n: number) => {
        (globalThis as Record<string, unknown>).__n = n;
      },
      initargs: [5],
    });
    expect(await fnForm.submit(() => (globalThis as Record<string, unknown>).__n)).toBe(5);
  });

  test('a failing initializer breaks the pool: pending futures fail, later submit throws', async () => {
    const executor = pool({ maxWorkers: 2, initializer: { module: tasks, name: 'failingInit' }, initargs: ['nope'] });
    const futures = Array.from({ length: 5 }, (_, i) => executor.submit(add, i, 1));
    for (const f of futures) {
      const error = await rejection(f);
      expect(error).toBeInstanceOf(BrokenProcessPool);
      expect(error).toBeInstanceOf(BrokenExecutor);
      expect(error.message).toContain('nope');
      expect((error as Error & { cause: Error }).cause).toBeInstanceOf(RangeError);
    }
    expect(() => executor.submit(add, 1, 1)).toThrow(BrokenProcessPool);
    await executor.shutdown();
    expect(childrenOf()).toHaveLength(0);
  });
});

describe('ProcessPoolExecutor crashes', () => {
  // Each crash kind fails only the future it hit; the others (on the other child or queued
  // behind) complete, and a new child takes over.
  test.each([
    ['process.exit in a task', (e: ProcessPoolExecutor) => e.submit(exitWith, 3), /exited with code 3/],
    [
      'an uncaught error in a timer',
      (e: ProcessPoolExecutor) => e.submit(throwLater),
      /uncaught RangeError: thrown in a timer/,
    ],
  ])('%s fails only its future with BrokenProcessPool', async (_what, crash, message) => {
    const executor = pool({ maxWorkers: 2 });
    const before = executor.submit(gcd, 48, 18);
    const crashed = crash(executor);
    const others = Array.from({ length: 10 }, (_, i) => executor.submit(gcd, 12 * (i + 1), 18));
    const error = await rejection(crashed);
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect(error.message).toMatch(message);
    expect(await before).toBe(6);
    expect(await Promise.all(others)).toEqual(Array.from({ length: 10 }, (_, i) => gcd(12 * (i + 1), 18)));
    expect(await executor.submit(add, 2, 2)).toBe(4);
  });

  test('tasks handed to a child behind the one that crashed it never started: they run elsewhere', async () => {
    const executor = pool({ maxWorkers: 1 });
    const exitOr = (code: number, value: number): number => (code === 0 ? value : process.exit(code));
    // Fast calls of exitOr: the pool hands its calls over several at a time.
    await Promise.all(Array.from({ length: 200 }, (_, i) => executor.submit(exitOr, 0, i)));
    const crashed = executor.submit(exitOr, 9, 0);
    const behind = Array.from({ length: 7 }, (_, i) => executor.submit(exitOr, 0, i + 100));
    await eventually(() => crashed.running() || crashed.done(), 'handed over');
    expect(behind.filter((f) => f.running()).length).toBeGreaterThan(0); // in the same batch
    expect((await rejection(crashed)).message).toMatch(/exited with code 9/);
    expect(await Promise.all(behind)).toEqual(Array.from({ length: 7 }, (_, i) => i + 100));
  });

  test('a child SIGKILLed from outside is noticed within 1 s and replaced', async () => {
    const executor = pool({ maxWorkers: 1 });
    const victim = await executor.submit(pid);
    const long = executor.submit(block, 20_000);
    const queued = executor.submit(add, 20, 22);
    await eventually(() => long.running(), 'handed over');
    const t = performance.now();
    process.kill(victim, 'SIGKILL');
    const error = await rejection(long);
    expect(performance.now() - t).toBeLessThan(1000);
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect(error.message).toContain('SIGKILL');
    expect(await queued).toBe(42);
    expect(await executor.submit(pid)).not.toBe(victim);
  });

  test('a child that runs out of memory fails only its task', async () => {
    // Children inherit the parent's execArgv (minus -e/--input-type): a small heap for both.
    const result = await runNode(
      `
      import { ProcessPoolExecutor } from 'nogil/futures';
      const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
      const gcd = (a, b) => { while (b) [a, b] = [b, a % b]; return a; };
      const others = Array.from({ length: 6 }, (_, i) => executor.submit(gcd, 30 * (i + 1), 42));
      const oom = executor.submit({ module: ${JSON.stringify(tasks)}, name: 'exhaustMemory' });
      const outcome = await oom.then(() => 'ok', (e) => e.name + ': ' + e.message);
      const argv = await executor.submit(() => process.execArgv);
      console.log(JSON.stringify({ outcome, others: await Promise.all(others), argv }));
      await executor.shutdown();
      `,
      { args: ['--max-old-space-size=48'], timeoutMs: 80_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
    expect(out.outcome).toMatch(/^BrokenProcessPool: .*(signal SIGABRT|code 134|signal SIGTRAP|code 133)/);
    expect(out.others).toEqual(Array.from({ length: 6 }, (_, i) => gcd(30 * (i + 1), 42)));
    expect(out.argv).toContain('--max-old-space-size=48');
    expect(out.argv).not.toContain('-e');
    expect(out.argv.join(' ')).not.toContain('--input-type');
  }, 90_000);

  // 200 in a row take over a minute here: test/futures/soak/process-crashes.mjs runs those.
  test('20 crashes in a row leave no child behind', async () => {
    const executor = pool({ maxWorkers: 2 });
    for (let round = 0; round < 10; round++) {
      const [a, b, ok] = [executor.submit(exitWith, 1), executor.submit(exitWith, 2), executor.submit(add, round, 1)];
      expect(await rejection(a)).toBeInstanceOf(BrokenProcessPool);
      expect(await rejection(b)).toBeInstanceOf(BrokenProcessPool);
      expect(await ok).toBe(round + 1);
    }
    expect(executor.stats().failed).toBe(20);
    expect(childrenOf().length).toBeLessThanOrEqual(2);
    await executor.shutdown();
    expect(childrenOf()).toHaveLength(0);
  }, 120_000);
});

describe('ProcessPoolExecutor abort and stop', () => {
  test('aborting a pending task cancels it; aborting a running one kills and replaces its child', async () => {
    const executor = pool({ maxWorkers: 1 });
    const first = await executor.submit(pid);
    const ac = new AbortController();
    const running = executor.submitWith({ signal: ac.signal }, block, 20_000);
    const pendingAc = new AbortController();
    const pending = executor.submitWith({ signal: pendingAc.signal }, add, 1, 2);
    const after = executor.submit(add, 2, 3);
    await eventually(() => running.running(), 'handed over');
    pendingAc.abort('not needed');
    expect(pending.cancelled()).toBe(true);
    expect(await rejection(pending)).toBeInstanceOf(CancelledError);
    ac.abort(new Error('stop it'));
    const error = await rejection(running);
    expect(error.name).toBe('AbortError');
    expect((error as Error & { cause: Error }).cause.message).toBe('stop it');
    await eventually(() => !isAlive(first), 'the aborted task’s child is gone', 1000);
    expect(await after).toBe(5);
    expect(await executor.submit(pid)).not.toBe(first);
  });

  test.each(['terminateWorkers', 'killWorkers'] as const)(
    '%s: running futures fail with BrokenProcessPool, pending ones are cancelled, the pool is shut down',
    async (how) => {
      const executor = pool({ maxWorkers: 2 });
      const pids = await Promise.all([executor.submit(block, 50), executor.submit(block, 50)]);
      const running = [executor.submit(block, 20_000), executor.submit(block, 20_000)];
      const pending = Array.from({ length: 5 }, () => executor.submit(add, 1, 1));
      await eventually(() => running.every((f) => f.running()), 'both handed over');
      await executor[how]();
      for (const f of running) expect(await rejection(f)).toBeInstanceOf(BrokenProcessPool);
      for (const f of pending) expect(f.cancelled()).toBe(true);
      expect(() => executor.submit(add, 1, 1)).toThrow(RuntimeError);
      for (const p of pids) expect(isAlive(p)).toBe(false);
      expect(childrenOf()).toHaveLength(0);
    },
  );
});

describe('ProcessPoolExecutor running state (CPython: running once handed to a child)', () => {
  test('slow tasks are handed over one per child: everything queued can be cancelled', async () => {
    const executor = pool({ maxWorkers: 1 });
    await executor.submit(block, 30); // the pool now knows its tasks are slow
    const head = executor.submit(block, 300);
    const rest = Array.from({ length: 6 }, () => executor.submit(add, 1, 1));
    await eventually(() => head.running(), 'the first task is handed over');
    for (const f of rest) expect(f.running()).toBe(false);
    for (const f of rest) expect(f.cancel()).toBe(true);
    expect(typeof (await head)).toBe('number');
  });

  test('fast tasks are handed over a bounded number ahead (at most 64 per child); the rest stay pending', async () => {
    const executor = pool({ maxWorkers: 2 });
    // block(0) is fast: the pool hands its calls over several at a time...
    await Promise.all(Array.from({ length: 200 }, () => executor.submit(block, 0)));
    // ...so these slow calls of the same function go ahead in batches, up to the bound.
    const futures: Array<Future<number>> = [];
    for (let i = 0; i < 200; i++) futures.push(executor.submit(block, 20));
    await eventually(() => futures.some((f) => f.running()), 'handed over');
    // Counted in one synchronous turn: a task may finish between two turns (20 ms each).
    const running = futures.filter((f) => f.running()).length;
    const done = futures.filter((f) => f.done()).length;
    expect(running).toBeGreaterThan(2);
    expect(running + done).toBeLessThanOrEqual(2 * 64);
    let cancelled = 0;
    for (const f of futures) if (f.cancel()) cancelled++;
    expect(cancelled).toBe(200 - running - done);
    await Promise.all(futures.filter((f) => !f.cancelled()));
  });
});

describe('ProcessPoolExecutor task identity', () => {
  test('an inline function re-created for every call counts as one function (one source, one pace)', async () => {
    const executor = pool({ maxWorkers: 2 });
    const submitInline = (ms: number): Future<number> =>
      executor.submit((m: number) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, m);
        return m;
      }, ms);
    await Promise.all(Array.from({ length: 200 }, () => submitInline(0)));
    const futures = Array.from({ length: 50 }, () => submitInline(50));
    await eventually(() => futures.some((f) => f.running()), 'handed over');
    // Known to be fast, so handed over several at a time (one at a time if each were new).
    expect(futures.filter((f) => f.running()).length).toBeGreaterThan(2);
    for (const f of futures) f.cancel();
    await Promise.all(futures.filter((f) => !f.cancelled()));
  });
});

describe('ProcessPoolExecutor scheduling', () => {
  // Regression: a child holding fast tasks was offered a task of unknown pace that did not fit
  // its budget, took nothing, and was offered it again forever (the parent's loop spun).
  test('a slow or unmeasured task queued behind fast ones still runs', async () => {
    const executor = pool({ maxWorkers: 1 });
    await executor.submit(gcd, 4, 6); // gcd is now known to be fast
    const fast = Array.from({ length: 3 }, (_, i) => executor.submit(gcd, 12 * (i + 1), 18));
    const unknown = executor.submit(block, 50);
    expect(await Promise.all(fast)).toEqual([6, 6, 18]);
    expect(typeof (await unknown)).toBe('number');
  });
});

describe('ProcessPoolExecutor leaves nothing behind', () => {
  test('a script that awaits its results and never calls shutdown exits by itself, children too', async () => {
    const tag = `NOGIL_PPE_TAG_${process.pid}_${Date.now()}`;
    const result = await runNode(
      `
      import { ProcessPoolExecutor } from 'nogil/futures';
      const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
      const values = await Promise.all([1, 2, 3, 4].map((x) => executor.submit((v) => v * 10, x)));
      const pids = await Promise.all([1, 2].map(() => executor.submit(() => process.pid)));
      console.log(JSON.stringify({ values, pids }));
      `,
      { env: { [tag]: '1' }, timeoutMs: 20_000 },
    );
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(result.ms).toBeLessThan(10_000);
    const out = JSON.parse(result.stdout.trim());
    expect(out.values).toEqual([10, 20, 30, 40]);
    await eventually(() => tagged(tag).length === 0, 'the script’s children exit', 5000);
  });

  test('shutdown leaves no child, zombie or handle', async () => {
    // The child's process handle and IPC pipe are what a pool could leave behind (the previous
    // test's may still be closing: counted before, they can only go).
    const count = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length;
    const before = { process: count('ProcessWrap'), pipe: count('PipeWrap') };
    const executor = pool({ maxWorkers: 2 });
    const pids = await Promise.all(Array.from({ length: 4 }, () => executor.submit(block, 20)));
    expect(childrenOf().length).toBeGreaterThan(0);
    await executor.shutdown();
    for (const p of pids) expect(isAlive(p)).toBe(false);
    expect(childrenOf()).toHaveLength(0);
    expect(executor.stats().workers).toBe(0);
    expect(count('ProcessWrap')).toBeLessThanOrEqual(before.process);
    expect(count('PipeWrap')).toBeLessThanOrEqual(before.pipe);
  });

  test('shutdown({ wait: true }) lets running and queued tasks finish; cancelFutures cancels the queued', async () => {
    const executor = pool({ maxWorkers: 1 });
    await executor.submit(block, 30);
    const running = executor.submit(block, 200);
    const queued = Array.from({ length: 4 }, (_, i) => executor.submit(add, i, 0));
    await eventually(() => running.running(), 'handed over');
    await executor.shutdown({ cancelFutures: true });
    expect(typeof (await running)).toBe('number');
    for (const f of queued) expect(f.cancelled()).toBe(true);
    expect(childrenOf()).toHaveLength(0);
  });
});
