// Reaching Redis: an unreachable server rejects within attemptTimeout naming host and port;
// passwords (requirepass) work and never show in errors or worker logs; rediss:// (TLS) works
// end to end with a self-signed certificate.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionError, RedisExecutor, startWorker } from 'nogil/distributed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisServer, startRedis } from './redis-server.js';
import { allowedDir, startWorkerProcess, tasksModule, type WorkerProcess } from './workers.js';

const password = 's3cret-p@ss/word';
let secured: RedisServer;
let tls: RedisServer;
const workers: WorkerProcess[] = [];
const add = { module: tasksModule, name: 'add' };

beforeAll(async () => {
  [secured, tls] = await Promise.all([startRedis({ password }), startRedis({ tls: true })]);
  const ca = join(tls.dir, 'ca.pem');
  writeFileSync(ca, tls.ca as Buffer);
  workers.push(
    ...(await Promise.all([
      // The URL with its password comes from the environment, not the command line.
      startWorkerProcess(['--queue', 'auth', '--allow-module', allowedDir, '--concurrency', '1'], {
        env: { NOGIL_REDIS_URL: secured.url },
      }),
      startWorkerProcess(['--redis', tls.url, '--queue', 'tls', '--allow-module', allowedDir, '--concurrency', '1'], {
        env: { NODE_EXTRA_CA_CERTS: ca },
      }),
    ])),
  );
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all([secured?.stop(), tls?.stop()]);
});

async function failure(promise: PromiseLike<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('connecting to Redis', () => {
  it('an unreachable Redis rejects within attemptTimeout, naming host and port but not the password', async () => {
    const port = await freePort();
    const executor = new RedisExecutor({
      connection: `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
      attemptTimeout: 1000,
    });
    const started = performance.now();
    const [a, b] = await Promise.all([failure(executor.submit(add, 1, 2)), failure(executor.submit(add, 3, 4))]);
    const took = performance.now() - started;
    for (const error of [a, b]) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(`${error.message} ${error.stack}`).not.toContain(password);
      expect(`${error.message}`).not.toContain(encodeURIComponent(password));
    }
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(10_000);
    const closing = performance.now();
    await executor.shutdown();
    expect(performance.now() - closing).toBeLessThan(5000);
  });

  it('map on an unreachable Redis rejects too', async () => {
    const port = await freePort();
    const executor = new RedisExecutor({ connection: { host: '127.0.0.1', port }, attemptTimeout: 500 });
    const it = executor.map(add, [1, 2, 3], { chunksize: 2 });
    const error = await failure(it.next());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}`));
    await executor.shutdown();
  });

  it('works with a password (requirepass); a worker never logs it', async () => {
    const executor = new RedisExecutor({ connection: secured.url, queue: 'auth' });
    expect(await executor.submit(add, 40, 2)).toBe(42);
    await executor.shutdown();
    expect(workers[0]?.log()).toContain(`redis://:***@127.0.0.1:${secured.port}`);
    expect(workers[0]?.log()).not.toContain(password);
    expect(workers[0]?.log()).not.toContain(encodeURIComponent(password));
  });

  it('a wrong password rejects with a ConnectionError that does not show it', async () => {
    const wrong = 'not-the-password-123';
    const executor = new RedisExecutor({
      connection: { host: '127.0.0.1', port: secured.port, password: wrong },
      queue: 'auth',
      attemptTimeout: 1000,
    });
    const error = await failure(executor.submit(add, 1, 1));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(`127.0.0.1:${secured.port}`);
    expect(error.message).toMatch(/WRONGPASS|NOAUTH|invalid/i);
    expect(`${error.message} ${error.stack}`).not.toContain(wrong);
    await executor.shutdown();
  });

  it('a worker on an unreachable Redis waits until aborted', async () => {
    const port = await freePort();
    const ac = new AbortController();
    const started = startWorker({
      connection: `redis://127.0.0.1:${port}`,
      queue: 'x',
      concurrency: 1,
      signal: ac.signal,
    });
    const reason = new Error('give up');
    setTimeout(() => ac.abort(reason), 300);
    await expect(started).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason });
  });

  it('works over TLS (rediss://), the certificate passed as ioredis tls options', async () => {
    expect(tls.url).toMatch(/^rediss:/);
    const executor = new RedisExecutor({ connection: { url: tls.url, tls: { ca: tls.ca } }, queue: 'tls' });
    expect(await executor.submit(add, 2, 2)).toBe(4);
    await executor.shutdown();
    // Without the CA the server's certificate is refused: a ConnectionError, not a hang.
    const untrusting = new RedisExecutor({ connection: tls.url, queue: 'tls', attemptTimeout: 1000 });
    const error = await failure(untrusting.submit(add, 1, 1));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/certificate/i);
    await untrusting.shutdown();
  });
});
