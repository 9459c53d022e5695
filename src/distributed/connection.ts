// Where Redis is: a `redis://`/`rediss://` URL or ioredis options, parsed once into the
// options every client of one executor or worker shares, plus the words error messages use
// (host and port, never the password).
//
// Settings forced on every client, and why:
//   maxRetriesPerRequest: null   BullMQ's blocking connections require it (and commands wait
//                                through a reconnect instead of failing); our own watchdog
//                                bounds the wait by `attemptTimeout` (executor.ts).
//   retryStrategy                reconnect forever, backing off to at most 1 s, so a
//                                restarted Redis is found again within a second.
//   lazyConnect                  nothing connects before the first use.
import { isIP } from 'node:net';
import type { RedisOptions } from 'ioredis';
import { withCode } from '../internal/errors.js';
import { invalidArgType, invalidArgValue, validateInteger, validateString } from '../internal/validate.js';

/** Where Redis is: a `redis://` or `rediss://` URL, or ioredis options (optionally with a `url`). */
export type RedisConnectionOptions = string | URL | (RedisOptions & { readonly url?: string | URL });

/** A parsed connection: client options and a password-free description. */
export interface ParsedConnection {
  /** The ioredis options of every client (see the file comment). */
  readonly options: RedisOptions;
  /** `host:port` (or the socket path): what error messages name. */
  readonly address: string;
  /** The URL form with any password replaced by `***`, for logs. */
  readonly redacted: string;
}

const MAX_BACKOFF_MS = 1000;

/** Reconnect forever: 200, 400, 800, then every 1000 ms. */
function retryStrategy(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 4), MAX_BACKOFF_MS);
}

/** `redis://user:pw@host` with the credentials part replaced, for messages about bad URLs. */
export function redactUrlText(text: string): string {
  return text.replace(/\/\/[^@/]*@/, '//***@');
}

function optionsOfUrl(input: string | URL, name: string): RedisOptions {
  let url: URL;
  try {
    url = input instanceof URL ? input : new URL(input);
  } catch {
    throw invalidArgValue(name, redactUrlText(String(input)), 'must be a redis:// or rediss:// URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw invalidArgValue(name, redactUrlText(url.href), 'must be a redis:// or rediss:// URL');
  }
  const options: RedisOptions = { host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1' };
  options.port = url.port === '' ? 6379 : Number(url.port);
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '') {
    if (!/^\d+$/.test(db)) throw invalidArgValue(`${name} database`, db, 'must be a database number (/0, /1, ...)');
    options.db = Number(db);
  }
  // SNI takes host names only (Node warns about an IP address).
  if (url.protocol === 'rediss:')
    options.tls = isIP(options.host as string) ? {} : { servername: options.host as string };
  return options;
}

function describe(options: RedisOptions): { address: string; redacted: string } {
  if (typeof options.path === 'string') return { address: options.path, redacted: `unix:${options.path}` };
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 6379;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const scheme = options.tls ? 'rediss' : 'redis';
  let auth = '';
  if (options.username) auth = `${encodeURIComponent(options.username)}${options.password ? ':***' : ''}@`;
  else if (options.password) auth = ':***@';
  const db = options.db ? `/${options.db}` : '';
  return { address, redacted: `${scheme}://${auth}${address}${db}` };
}

/**
 * Validates and parses a connection (`name` is the option's name in messages). A URL's
 * password is percent-decoded; an options object's own fields override its `url`'s.
 */
export function parseConnection(connection: unknown, name = 'options.connection'): ParsedConnection {
  let given: RedisOptions;
  if (typeof connection === 'string' || connection instanceof URL) {
    given = optionsOfUrl(connection, name);
  } else if (connection !== null && typeof connection === 'object' && !Array.isArray(connection)) {
    const { url, ...rest } = connection as RedisOptions & { url?: unknown };
    if (url !== undefined && typeof url !== 'string' && !(url instanceof URL)) {
      throw invalidArgType(`${name}.url`, 'of type string or an instance of URL', url);
    }
    const fromUrl = url === undefined ? {} : optionsOfUrl(url, `${name}.url`);
    given = { ...fromUrl, ...rest };
    // `rediss://` with `tls: { ca }`: both apply.
    if (fromUrl.tls && rest.tls) given.tls = { ...fromUrl.tls, ...rest.tls };
  } else {
    throw invalidArgType(name, 'a redis:// URL or an ioredis options object', connection);
  }
  if (given.host !== undefined) validateString(given.host, `${name}.host`);
  if (given.port !== undefined) validateInteger(given.port, `${name}.port`, 1, 65535);
  if (given.path !== undefined) validateString(given.path, `${name}.path`);
  if (given.db !== undefined) validateInteger(given.db, `${name}.db`, 0, 2 ** 31 - 1);
  // Never echo a password: say only that its type is wrong.
  if (given.password !== undefined && given.password !== null && typeof given.password !== 'string') {
    throw withCode(
      new TypeError(`The "${name}.password" property must be of type string. Received type ${typeof given.password}`),
      'ERR_INVALID_ARG_TYPE',
    );
  }
  if (given.username !== undefined) validateString(given.username, `${name}.username`);
  if (given.keyPrefix !== undefined) {
    throw invalidArgValue(
      `${name}.keyPrefix`,
      given.keyPrefix,
      "is not supported (BullMQ's keys): use the prefix option",
    );
  }
  if (given.tls !== undefined && (given.tls === null || typeof given.tls !== 'object')) {
    throw invalidArgType(`${name}.tls`, 'an object (tls.connect options)', given.tls);
  }
  const options: RedisOptions = {
    connectTimeout: 5000,
    retryStrategy,
    ...given,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    lazyConnect: true,
  };
  return { options, ...describe(options) };
}
