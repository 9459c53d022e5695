/**
 * `nogil/distributed`: the Executor of `nogil/futures` on many machines, through a BullMQ queue
 * on Redis. `RedisExecutor` submits; `nogil worker` (or `startWorker`) runs the tasks on a
 * local executor. Needs the optional peer dependencies `bullmq` and `ioredis`.
 *
 * @module
 */

export type { RedisConnectionOptions } from './connection.js';
export { ConnectionError, PermissionError } from './errors.js';
export { RedisExecutor, type RedisExecutorOptions } from './executor.js';
export type { WorkerBackend } from './local-executor.js';
export type { DistributedTask } from './task.js';
export { startWorker, type WorkerHandle, type WorkerOptions } from './worker.js';
