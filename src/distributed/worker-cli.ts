// `nogil worker`: serves a RedisExecutor's queue from the command line until SIGINT/SIGTERM
// (the first one finishes the running tasks; a second one exits at once). The URL may come
// from NOGIL_REDIS_URL instead of --redis, which keeps a password out of `ps` listings.
import { parseArgs } from 'node:util';
// Checked before BullMQ loads (none of these imports it): bad usage fails at once.
import { parseConnection } from './connection.js';
import { backendOf } from './local-executor.js';
import { prefixOf, queueNameOf } from './options.js';
import { taskPolicyOf } from './security.js';

const USAGE = `Usage: nogil worker --redis URL --queue NAME [options]

Runs the tasks that RedisExecutors submit to the queue, on a local executor.

Options:
  --redis URL           redis:// or rediss:// URL (default: $NOGIL_REDIS_URL)
  --queue NAME          the queue to serve
  --concurrency N       tasks run at once (default: the number of CPUs)
  --backend KIND        threads, processes or native (default: threads)
  --allow-source        run functions sent by source (they can do anything this process can)
  --allow-module PATH   a directory whose modules may run; repeatable (default: the working directory)
  --prefix PREFIX       Redis key prefix, as the submitters' (default: nogil)
  -h, --help            show this help`;

function usageError(message: string): number {
  process.stderr.write(`nogil worker: ${message} (see nogil worker --help)\n`);
  return 2;
}

/** Runs `nogil worker` with `argv` (the arguments after `worker`); resolves to the exit code. */
export async function runWorkerCommand(argv: readonly string[]): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        redis: { type: 'string' },
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        backend: { type: 'string' },
        'allow-source': { type: 'boolean' },
        'allow-module': { type: 'string', multiple: true },
        prefix: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError((error as Error).message.split('\n')[0] as string);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const redis = (values.redis as string | undefined) ?? process.env.NOGIL_REDIS_URL;
  if (!redis) return usageError('--redis URL is required (or set NOGIL_REDIS_URL)');
  if (values.queue === undefined) return usageError('--queue NAME is required');
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!/^\d+$/.test(values.concurrency as string) || concurrency < 1) {
      return usageError(`--concurrency must be a positive integer (got '${values.concurrency}')`);
    }
  }
  try {
    parseConnection(redis, '--redis');
    queueNameOf(values.queue, '--queue');
    prefixOf(values.prefix, '--prefix');
    backendOf(values.backend, '--backend');
    taskPolicyOf(values['allow-source'], values['allow-module']);
  } catch (error) {
    return usageError((error as Error).message);
  }
  const log = (line: string): void => {
    process.stderr.write(`nogil worker: ${line}\n`);
  };
  let startWorker: typeof import('./worker.js').startWorker;
  try {
    ({ startWorker } = await import('./worker.js'));
  } catch (error) {
    log((error as Error).message);
    return 1;
  }
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(name === 'SIGINT' ? 130 : 143);
    log(`${name}: finishing the running tasks (again to exit now)`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const worker = await startWorker({
      connection: redis,
      queue: values.queue as string,
      concurrency,
      backend: values.backend as 'threads' | undefined,
      allowSource: values['allow-source'] === true,
      allowModules: values['allow-module'] as string[] | undefined,
      prefix: values.prefix as string | undefined,
      signal: stop.signal,
      log,
    });
    await worker.closed;
    log('closed');
    return 0;
  } catch (error) {
    if (stop.signal.aborted) return 0;
    const e = error as Error & { code?: string };
    if (e instanceof TypeError || e instanceof RangeError) return usageError(e.message);
    log(e.message);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
