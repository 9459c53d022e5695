// RedisExecutor against a real redis-server and real `nogil worker` processes: results and
// errors, v8 values, map, the security policy end to end, cancellation, mixing with local
// futures, one subscription per submitter, and exiting without shutdown().
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { PermissionError, RedisExecutor, startWorker } from 'nogil/distributed';
import { asCompleted, BrokenExecutor, Future, wait } from 'nogil/futures';
import { ValueError } from 'nogil/threading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../helpers/node-child.js';
import { type RedisServer, startRedis } from './redis-server.js';
import {
  allowedDir,
  countSettles,
  outsideModule,
  startWorkerProcess,
  tasksModule,
  type WorkerProcess,
} from './workers.js';

let redis: RedisServer;
let admin: Redis;
const workers: WorkerProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'nogil-dist-'));
const marker = join(scratch, 'marker');
const task = (name: string) => ({ module: tasksModule, name });

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
  const common = ['--redis', redis.url, '--allow-module', allowedDir, '--concurrency', '2'];
  const env = { NOGIL_TEST_MARKER: marker };
  // Two strict workers on 'main', one that also runs source on 'source'.
  workers.push(
    ...(await Promise.all([
      startWorkerProcess([...common, '--queue', 'main'], { env }),
      startWorkerProcess([...common, '--queue', 'main'], { env }),
      startWorkerProcess([...common, '--queue', 'source', '--allow-source'], { env }),
      startWorkerProcess([...common, '--queue', 'native', '--backend', 'native'], { env }),
      startWorkerProcess([...common, '--queue', 'processes', '--backend', 'processes'], { env }),
    ])),
  );
});

afterAll(async () => {
  const codes = await Promise.all(workers.map((w) => w.stop()));
  admin?.disconnect();
  await redis?.stop();
  rmSync(scratch, { recursive: true, force: true });
  expect(codes).toEqual(workers.map(() => 0));
});

describe('RedisExecutor with nogil worker processes', () => {
  it('runs { module, name } tasks; v8 values come back as such', async () => {
    const executor = new RedisExecutor({ connection: redis.url, queue: 'main' });
    expect(await executor.submit(task('add'), 2, 3)).toBe(5);
    expect(await executor.submit({ module: tasksModule }, 7)).toBe(49);
    const value = {
      map: new Map<unknown, unknown>([
        [1, new Date(5)],
        ['k', new Set([1n])],
      ]),
      big: 2n ** 70n,
      bytes: new Uint8Array([1, 2, 3]),
      floats: new Float64Array([0.5, -0]),
      nested: [undefined, null, Number.NaN, /re/g],
    };
    const back = (await executor.submit(task('echo'), value)) as typeof value;
    expect(back.map).toBeInstanceOf(Map);
    expect(back.map.get(1)).toEqual(new Date(5));
    expect(back.map.get('k')).toEqual(new Set([1n]));
    expect(back.big).toBe(2n ** 70n);
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect([...back.bytes]).toEqual([1, 2, 3]);
    expect(back.floats).toBeInstanceOf(Float64Array);
    expect(Object.is(back.floats[1], -0)).toBe(true);
    expect(back.nested[3]).toBeInstanceOf(RegExp);
    await executor.shutdown();
  });

  it("rejects with the task's error: class, message, stack, code, instanceof for nogil errors", async () => {
    const executor = new RedisExecutor({ connection: redis.url, queue: 'main' });
    const error = await executor.submit(task('fail'), 'boom').then(
      () => undefined,
      (e: unknown) => e as RangeError & { code?: string; extra?: unknown },
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ name: 'RangeError', message: 'boom', code: 'E_TASK', extra: { n: 1 } });
    expect(error?.stack).toContain('tasks.mjs');
    const valueError = await executor.submit(task('failValue'), 'bad').catch((e: unknown) => e);
    expect(valueError).toBeInstanceOf(ValueError);
    expect((valueError as Error).message).toBe('bad');
    // A result that cannot be serialized fails its future; the worker goes on.
    await expect(executor.submit(task('unsendable'))).rejects.toThrow(/could not be (sent|cloned)/);
    await expect(executor.submit(task('noSuchExport'))).rejects.toThrow(/noSuchExport/);
    expect(await executor.submit(task('add'), 1, 1)).toBe(2);
    expect(executor.stats()).toMatchObject({ completed: 1, failed: 4, running: 0, queued: 0 });
    await executor.shutdown();
  });

  it('map with chunksize and buffersize gives every result in order, across both workers', async () => {
    const executor = new RedisExecutor({ connection: redis.url, queue: 'main' });
    const pairs = Array.from({ length: 3000 }, (_, i) => [i * 6, 36] as [number, number]);
    const expected = pairs.map(([a, b]) => {
      while (b) [a, b] = [b, a % b];
      return a;
    });
    const got: unknown[] = [];
    for await (const g of executor.map(task('gcd'), pairs, { chunksize: 250 })) got.push(g);
    expect(got).toEqual(expected);
    const buffered: unknown[] = [];
    for await (const g of executor.map(task('gcd'), pairs.slice(0, 100), { chunksize: 7, buffersize: 3 })) {
      buffered.push(g);
    }
    expect(buffered).toEqual(expected.slice(0, 100));
    // Both worker processes took part.
    const pids = new Set<number>();
    const fs = Array.from({ length: 8 }, (_, i) => executor.submit(task('slow'), i, 150));
    // stats() counts the worker processes serving the queue (asked in the background).
    await expect.poll(() => executor.stats().workers, { timeout: 5000 }).toBe(2);
    for (const f of fs) pids.add(((await f) as [number, number])[1]);
    expect(pids.size).toBeGreaterThanOrEqual(2);
    await executor.shutdown();
  });

  it('a worker refuses source functions and modules outside --allow-module: PermissionError, nothing runs', async () => {
    const strict = new RedisExecutor({ connection: redis.url, queue: 'main' });
    const sideEffect = new Function(
      'path',
      "return import('node:fs').then((fs) => { fs.writeFileSync(path + '.source', 'ran'); return 1; })",
    );
    const refused = await strict.submit(sideEffect as (p: string) => Promise<number>, marker).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermissionError);
    expect((refused as Error).message).toMatch(/--allow-source/);
    const outside = await strict.submit({ module: outsideModule, name: 'run' }).catch((e: unknown) => e);
    expect(outside).toBeInstanceOf(PermissionError);
    expect((outside as Error).message).toContain('allowModules');
    expect(existsSync(`${marker}.source`)).toBe(false);
    expect(existsSync(`${marker}.outside`)).toBe(false);
    // The worker that allows source runs it.
    const lax = new RedisExecutor({ connection: redis.url, queue: 'source' });
    expect(await lax.submit((a: number, b: number) => a * b, 6, 7)).toBe(42);
    expect(await lax.submit(sideEffect as (p: string) => Promise<number>, marker)).toBe(1);
    expect(existsSync(`${marker}.source`)).toBe(true);
    await Promise.all([strict.shutdown(), lax.shutdown()]);
  });

  it('settles many fast results exactly once, submitted on first use (no missed events)', async () => {
    const executor = new RedisExecutor({ connection: redis.url, queue: 'main' });
    const fs = Array.from({ length: 400 }, (_, i) => executor.submit(task('add'), i, 1));
    const counts = countSettles(fs);
    const values = await Promise.all(fs);
    expect(values).toEqual(fs.map((_, i) => i + 1));
    await executor.shutdown();
    expect(counts.every((n) => n === 1)).toBe(true);
  });

  it('mixes with local futures in wait and asCompleted', async () => {
    const executor = new RedisExecutor({ connection: redis.url, queue: 'main' });
    const local = new Future<string>();
    setTimeout(() => local.setResult('local'), 50);
    const remote = executor.submit(task('slow'), 'remote', 100);
    const { done, notDone } = await wait([local, remote], { timeout: 20_000 });
    expect(done.size).toBe(2);
    expect(notDone.size).toBe(0);
    const again = new Future<string>();
    setTimeout(() => again.setResult('again'), 10);
    const order: unknown[] = [];
    for await (const f of asCompleted([executor.submit(task('slow'), 'r2', 300), again], { timeout: 20_000 })) {
      order.push(await (f as Future<unknown>).result());
    }
    expect(order).toEqual(['again', ['r2', expect.any(Number)]]);
    await executor.shutdown();
  });

  it('uses one event subscription however many futures are in flight', async () => {
    const clients = async () => ((await admin.client('LIST')) as string).trim().split('\n').length;
    const before = await clients();
    // No worker serves 'parked-many': 2001 futures stay pending.
    const executor = new RedisExecutor({ connection: redis.url, queue: 'parked-many' });
    const fs = Array.from({ length: 2001 }, (_, i) => executor.submit(task('add'), i, 0));
    await expect.poll(() => admin.llen('nogil:parked-many:wait'), { timeout: 10_000 }).toBe(2001);
    // One command connection and one blocking events reader.
    expect((await clients()) - before).toBeLessThanOrEqual(2);
    expect(executor.stats()).toMatchObject({ queued: 2001, running: 0 });
    await executor.shutdown({ cancelFutures: true });
    expect(fs.every((f) => f.cancelled())).toBe(true);
    // cancelFutures removed this executor's waiting jobs.
    await expect.poll(() => admin.llen('nogil:parked-many:wait'), { timeout: 5000 }).toBe(0);
  });

  it('cancel() of a pending future removes its job; an aborted signal too', async () => {
    const executor = new RedisExecutor({ connection: redis.url, queue: 'parked' });
    const f = executor.submit(task('add'), 1, 2);
    const ac = new AbortController();
    const g = executor.submitWith({ signal: ac.signal }, task('add'), 3, 4);
    await expect.poll(() => admin.llen('nogil:parked:wait'), { timeout: 5000 }).toBe(2);
    expect(f.running()).toBe(false);
    expect(f.cancel()).toBe(true);
    ac.abort(new Error('changed my mind'));
    expect(g.cancelled()).toBe(true);
    await expect(f).rejects.toThrow(/cancelled/);
    await expect.poll(() => admin.llen('nogil:parked:wait'), { timeout: 5000 }).toBe(0);
    expect(executor.stats()).toMatchObject({ cancelled: 2, queued: 0 });
    await executor.shutdown();
  });

  it('a running future cannot be cancelled', async () => {
    const executor = new RedisExecutor({ connection: redis.url, queue: 'main' });
    const f = executor.submit(task('slow'), 'x', 600);
    await expect.poll(() => f.running(), { timeout: 10_000 }).toBe(true);
    expect(f.cancel()).toBe(false);
    expect(((await f) as unknown[])[0]).toBe('x');
    await executor.shutdown();
  });

  it('a job removed by someone else fails its future with BrokenExecutor', async () => {
    const executor = new RedisExecutor({ connection: redis.url, queue: 'parked-removed' });
    const f = executor.submit(task('add'), 1, 2);
    await expect.poll(() => admin.llen('nogil:parked-removed:wait'), { timeout: 5000 }).toBe(1);
    const [jobId] = await admin.lrange('nogil:parked-removed:wait', 0, 0);
    const { Queue } = await import('bullmq');
    const queue = new Queue('parked-removed', { connection: admin, prefix: 'nogil' });
    expect(await queue.remove(jobId as string)).toBe(1);
    await expect(f).rejects.toThrow(BrokenExecutor);
    await queue.close();
    await executor.shutdown();
  });

  it('runs native kernels on a native worker, and tasks on a processes worker', async () => {
    const native = new RedisExecutor({ connection: redis.url, queue: 'native' });
    expect(await native.submit('gcd', 12, 18)).toBe(6);
    const got: unknown[] = [];
    for await (const g of native.map('bruteGcd', [[12, 18] as [number, number], [7, 5]], { chunksize: 2 })) got.push(g);
    expect(got).toEqual([6, 1]);
    // A native worker runs kernels only; a threads worker refuses kernels.
    await expect(native.submit(task('add'), 1, 2)).rejects.toThrow(
      /needs a worker with --backend threads or processes/,
    );
    const threads = new RedisExecutor({ connection: redis.url, queue: 'main' });
    await expect(threads.submit('gcd', 1, 2)).rejects.toThrow(/needs a worker with --backend native/);
    const processes = new RedisExecutor({ connection: redis.url, queue: 'processes' });
    const [value, pid] = (await processes.submit(task('slow'), 'p', 1)) as [string, number];
    expect(value).toBe('p');
    // The task ran in a child of the worker process, not in the worker itself.
    expect(workers.map((w) => w.pid)).not.toContain(pid);
    await Promise.all([native.shutdown(), threads.shutdown(), processes.shutdown()]);
  });

  it('startWorker in-process: serves until close(); closed settles', async () => {
    const handle = await startWorker({
      connection: redis.url,
      queue: 'inproc',
      concurrency: 1,
      allowModules: [allowedDir],
    });
    expect(handle).toMatchObject({ queue: 'inproc', backend: 'threads', concurrency: 1 });
    const executor = new RedisExecutor({ connection: redis.url, queue: 'inproc' });
    const running = executor.submit(task('slow'), 'kept', 300);
    await expect.poll(() => running.running(), { timeout: 10_000 }).toBe(true);
    // close() finishes the running task first.
    const closing = handle[Symbol.asyncDispose]();
    expect(((await running) as unknown[])[0]).toBe('kept');
    await closing;
    await handle.closed;
    // Closed: a new task waits in the queue (no worker), and is cancelled by shutdown.
    const parked = executor.submit(task('add'), 1, 1);
    await executor.shutdown({ cancelFutures: true });
    expect(parked.cancelled()).toBe(true);
  });

  it('a script that awaits its results and forgets shutdown() exits by itself', async () => {
    const r = await runNode(
      `import { RedisExecutor } from 'nogil/distributed';
       const ex = new RedisExecutor({ connection: ${JSON.stringify(redis.url)}, queue: 'main' });
       console.log(await ex.submit({ module: ${JSON.stringify(tasksModule)}, name: 'add' }, 20, 22));`,
      { timeoutMs: 20_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('42');
    expect(r.code).toBe(0);
  });
});
