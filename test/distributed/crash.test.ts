// Workers that die mid-task (SIGKILL): the task runs again on another worker within a few
// seconds (BullMQ's lock expires and a stall check moves the job back), every future settles
// exactly once with the right value; once `retries` are spent the future fails clearly.

import { RedisExecutor } from 'nogil/distributed';
import { BrokenExecutor } from 'nogil/futures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from './redis-server.js';
import { allowedDir, countSettles, startWorkerProcess, tasksModule, type WorkerProcess } from './workers.js';

let redis: RedisServer;
const workers: WorkerProcess[] = [];
const slow = { module: tasksModule, name: 'slow' };

const startWorkers = (queue: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, () =>
      startWorkerProcess(['--redis', redis.url, '--queue', queue, '--allow-module', allowedDir, '--concurrency', '1']),
    ),
  ).then((started) => {
    workers.push(...started);
    return started;
  });

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
});

describe('a worker killed mid-task', () => {
  it('has its task run again elsewhere; every future settles once with the right value', async () => {
    const [victim, ...others] = await startWorkers('crash', 3);
    const executor = new RedisExecutor({ connection: redis.url, queue: 'crash', retries: 2 });
    const fs = Array.from({ length: 9 }, (_, i) => executor.submit(slow, i, 800));
    const counts = countSettles(fs);
    // Wait until each worker runs one task, then kill one of them.
    await expect.poll(() => fs.filter((f) => f.running()).length, { timeout: 15_000 }).toBe(3);
    const runningAtKill = fs.filter((f) => f.running() && !f.done());
    await victim!.kill();
    const killedAt = performance.now();
    const results = (await Promise.all(fs)) as Array<[number, number]>;
    const recovery = performance.now() - killedAt;
    expect(results.map(([value]) => value)).toEqual(fs.map((_, i) => i));
    expect(counts).toEqual(fs.map(() => 1));
    // The tasks running when it died finished on the survivors.
    const survivors = new Set(others.map((w) => w.pid));
    for (const f of runningAtKill) expect(survivors.has(((await f) as [number, number])[1])).toBe(true);
    // "Within a few seconds": lock (5 s) + stall checks (1 s each) + the remaining work.
    expect(recovery).toBeLessThan(20_000);
    expect(executor.stats()).toMatchObject({ completed: 9, failed: 0, running: 0, queued: 0 });
    await executor.shutdown();
  });

  it('fails with BrokenExecutor once retries are spent; the other futures complete', async () => {
    await startWorkers('deadly', 2);
    const executor = new RedisExecutor({ connection: redis.url, queue: 'deadly', retries: 0 });
    const deadly = executor.submit({ module: tasksModule, name: 'killWorker' });
    const counts = countSettles([deadly]);
    const error = await deadly.then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error).toBeInstanceOf(BrokenExecutor);
    expect(error?.code).toBe('ERR_NOGIL_RETRIES_EXHAUSTED');
    expect(error?.message).toMatch(/killWorker: the worker running it died 1 time \(retries: 0\)/);
    expect(counts).toEqual([1]);
    // One worker died; the other answered, and still serves.
    expect(await executor.submit(slow, 'after', 10)).toEqual(['after', expect.any(Number)]);
    await executor.shutdown();
  });
});
