// The ioredis clients of one executor or worker. BullMQ's ESM build cannot construct ioredis
// itself (it would need `require`), so we pass it a client; BullMQ duplicates it for its
// blocking connections. Every duplicate is tracked here so that closing can always finish:
// `forceClose()` disconnects each one, even while Redis is unreachable and ioredis would
// otherwise keep reconnecting (and keep the process alive).
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { Redis } from './deps.js';

/** A family of clients: the first one and every duplicate BullMQ makes of it. */
export class ClientFamily {
  readonly #all = new Set<RedisClient>();
  readonly #unref: boolean;
  readonly root: RedisClient;

  /**
   * @param unref - whether the sockets are unref'd (a submitter: its pending futures keep the
   *   process alive by a timer instead, so an idle executor never does).
   * @param onError - every client error (ioredis emits one per failed reconnect).
   */
  constructor(options: RedisOptions, unref: boolean, onError: (error: Error) => void) {
    this.#unref = unref;
    this.root = this.#adopt(new Redis(options), onError);
  }

  #adopt(client: RedisClient, onError: (error: Error) => void): RedisClient {
    this.#all.add(client);
    client.on('error', onError);
    if (this.#unref)
      client.on('connect', () => (client as unknown as { stream?: { unref?(): void } }).stream?.unref?.());
    const duplicate = client.duplicate.bind(client);
    // Duplicates connect at once: BullMQ then waits for their 'ready' through any number of
    // reconnects, where a lazy client's first failed connect() would break it for good.
    client.duplicate = ((override?: Partial<RedisOptions>) =>
      this.#adopt(duplicate({ ...override, lazyConnect: false }), onError)) as RedisClient['duplicate'];
    return client;
  }

  /** Disconnects every client now (no QUIT round trip, no reconnect). */
  forceClose(): void {
    for (const client of this.#all) client.disconnect(false);
  }
}

/** Runs `close`, but gives up after `ms` (closing must not wait on an unreachable Redis). */
export async function bounded(close: () => Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([close().catch(() => {}), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `client` is connected (connecting it if lazy); ioredis retries meanwhile. */
export function whenReady(client: RedisClient, signal?: AbortSignal): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const done = (): void => {
      client.off('ready', onReady);
      client.off('end', onEnd);
      signal?.removeEventListener('abort', onAbort);
    };
    const onReady = (): void => {
      done();
      resolve();
    };
    const onEnd = (): void => {
      done();
      reject(new Error('the connection was closed'));
    };
    const onAbort = (): void => {
      done();
      reject(signal?.reason);
    };
    client.on('ready', onReady);
    client.on('end', onEnd);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (client.status === 'wait') client.connect().catch(() => {}); // ioredis goes on retrying
  });
}
