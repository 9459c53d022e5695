// bullmq and ioredis: optional peer dependencies, loaded only by nogil/distributed (the root
// `nogil` import never reaches this file). Without them, importing nogil/distributed fails with
// one line that says what to install, instead of a resolver stack trace.
import type * as BullMQ from 'bullmq';
import type { Redis as RedisClass } from 'ioredis';

const INSTALL = 'nogil/distributed needs its optional peer dependencies: npm install bullmq ioredis';

function missing(error: unknown): Error {
  const e = new Error(`${INSTALL} (${(error as Error)?.message?.split('\n')[0] ?? String(error)})`);
  // Printed as it is when uncaught: the one line is the whole story (no enumerable props, no
  // cause, no frames for Node to add).
  Object.defineProperty(e, 'code', { value: 'ERR_NOGIL_MISSING_PEER', enumerable: false });
  e.stack = `Error [ERR_NOGIL_MISSING_PEER]: ${e.message}`;
  return e;
}

let bullmq: typeof BullMQ;
let Redis: typeof RedisClass;
try {
  bullmq = await import('bullmq');
  const ioredis = (await import('ioredis')) as unknown as { Redis?: typeof RedisClass; default: typeof RedisClass };
  Redis = ioredis.Redis ?? ioredis.default;
} catch (error) {
  throw missing(error);
}

export { bullmq, Redis };
