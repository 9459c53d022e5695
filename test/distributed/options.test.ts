// RedisExecutor's and startWorker's argument checks, the v8 codec at submit time, and
// password redaction. None of these reach Redis: an executor connects on first dispatch.

import { PermissionError, RedisExecutor, startWorker } from 'nogil/distributed';
import { Lock } from 'nogil/threading';
import { describe, expect, it } from 'vitest';
import { parseConnection } from '../../dist/distributed/connection.js';

const url = 'redis://127.0.0.1:1';

describe('RedisExecutor options', () => {
  it('refuses queue names Redis keys cannot hold with a TypeError', () => {
    for (const queue of ['a:b', 'with space', 'tab\there', 'nl\n', 'bell\u0007', '']) {
      expect(() => new RedisExecutor({ connection: url, queue }), JSON.stringify(queue)).toThrow(TypeError);
    }
    expect(() => new RedisExecutor({ connection: url, queue: 5 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new RedisExecutor({ connection: url, queue: 'fine-name_1.x' })).not.toThrow();
  });

  it('refuses negative or fractional retries with a RangeError', () => {
    for (const retries of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new RedisExecutor({ connection: url, retries }), String(retries)).toThrow(
        expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }),
      );
    }
    expect(() => new RedisExecutor({ connection: url, retries: '1' as never })).toThrow(TypeError);
    expect(() => new RedisExecutor({ connection: url, retries: 0 })).not.toThrow();
  });

  it('checks attemptTimeout, prefix and unknown options', () => {
    expect(() => new RedisExecutor({ connection: url, attemptTimeout: 0 })).toThrow(RangeError);
    expect(() => new RedisExecutor({ connection: url, attemptTimeout: -5 })).toThrow(RangeError);
    expect(() => new RedisExecutor({ connection: url, prefix: 'a b' })).toThrow(TypeError);
    expect(() => new RedisExecutor({ connection: url, queues: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new RedisExecutor(undefined as never)).toThrow(TypeError);
  });

  it('accepts redis:// and rediss:// URLs and ioredis options; refuses other schemes', () => {
    expect(() => new RedisExecutor({ connection: 'http://127.0.0.1' })).toThrow(TypeError);
    expect(() => new RedisExecutor({ connection: 42 as never })).toThrow(TypeError);
    expect(() => new RedisExecutor({ connection: { host: '127.0.0.1', port: 70000 } })).toThrow(RangeError);
    expect(() => new RedisExecutor({ connection: { keyPrefix: 'app:' } })).toThrow(/use the prefix option/);
    const tls = parseConnection('rediss://user:p%40ss@redis.example:6380/2');
    expect(tls.options).toMatchObject({
      host: 'redis.example',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
      tls: { servername: 'redis.example' },
      maxRetriesPerRequest: null,
    });
    expect(tls.address).toBe('redis.example:6380');
    expect(tls.redacted).toBe('rediss://user:***@redis.example:6380/2');
    const merged = parseConnection({ url: 'rediss://127.0.0.1:7000', tls: { ca: 'CA' }, db: 3 });
    expect(merged.options).toMatchObject({ host: '127.0.0.1', port: 7000, db: 3, tls: { ca: 'CA' } });
  });

  it('never shows a password in an error message', () => {
    const secret = 'hunter2-very-secret';
    const attempts: Array<() => unknown> = [
      () => new RedisExecutor({ connection: `redis://:${secret}@[bad` }),
      () => new RedisExecutor({ connection: `ftp://u:${secret}@host` }),
      () => new RedisExecutor({ connection: `redis://:${secret}@host/notadb` }),
      () => new RedisExecutor({ connection: { password: 12345 as never, host: 'h' } }),
      () => new RedisExecutor({ connection: { url: `redis://:${secret}@h`, port: 0 } }),
    ];
    for (const attempt of attempts) {
      let error: unknown;
      try {
        attempt();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).not.toContain(secret);
      expect(String((error as Error).message)).not.toContain('12345');
      expect(String((error as Error).stack)).not.toContain(secret);
    }
    const executor = new RedisExecutor({ connection: `redis://:${secret}@127.0.0.1:1` });
    expect(executor.redis).toBe('redis://:***@127.0.0.1:1');
  });
});

describe('arguments cross by v8 serialization', () => {
  it('refuses functions, symbols and shared memory at submit, synchronously', async () => {
    const executor = new RedisExecutor({ connection: url });
    const task = { module: './tasks.mjs', name: 'echo' };
    const cases: Array<[unknown, RegExp]> = [
      [() => 1, /could not be cloned/],
      [Symbol('s'), /could not be cloned/],
      [new SharedArrayBuffer(8), /SharedArrayBuffer/],
      [{ view: new Int32Array(new SharedArrayBuffer(8)) }, /SharedArrayBuffer \(under a Int32Array\)/],
      [[new Lock()], /A Lock \(at .*\) cannot be sent/],
    ];
    for (const [value, message] of cases) {
      expect(() => executor.submit(task, value), message.source).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringMatching(message),
        }),
      );
    }
    expect(() => executor.map(task, [1, () => 2], { chunksize: 2 })).toThrow(TypeError);
    // Nothing was submitted: shutting down needs no Redis.
    await executor.shutdown();
    expect(executor.stats()).toMatchObject({ queued: 0, running: 0, completed: 0 });
  });

  it('refuses tasks that are not functions, { module } or kernel names', async () => {
    const executor = new RedisExecutor({ connection: url });
    const submit = executor.submit.bind(executor) as (fn: unknown, ...args: unknown[]) => unknown;
    expect(() => submit(42)).toThrow(TypeError);
    expect(() => submit('noSuchKernel')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => submit({ module: 3 })).toThrow(TypeError);
    expect(() => submit(Math.max)).toThrow(/self-contained/);
    await executor[Symbol.asyncDispose]();
    expect(() => executor.submit({ module: 'x' })).toThrow(/cannot schedule new futures after shutdown/);
  });
});

describe('startWorker options', () => {
  it('validates before connecting', async () => {
    await expect(startWorker({ connection: url, queue: 'a:b' })).rejects.toThrow(TypeError);
    await expect(startWorker({ connection: url, backend: 'gpu' as never })).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    await expect(startWorker({ connection: url, concurrency: 0 })).rejects.toThrow(RangeError);
    await expect(startWorker({ connection: url, allowModules: ['/no/such/dir'] })).rejects.toThrow(
      /must be an existing directory/,
    );
    await expect(startWorker({ connection: url, allowSource: 'yes' as never })).rejects.toThrow(TypeError);
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(startWorker({ connection: url, signal: ac.signal })).rejects.toThrow('stop');
  });

  it('PermissionError is a nogil error with a code', () => {
    const e = new PermissionError('no');
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'PermissionError', code: 'ERR_NOGIL_PERMISSION', message: 'no' });
  });
});
