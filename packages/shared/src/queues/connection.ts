import { Queue, type DefaultJobOptions, type QueueOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobDataByQueue } from './payloads.js';
import { QueueName } from './names.js';

/**
 * A Redis connection for BullMQ. `maxRetriesPerRequest: null` is required by BullMQ's blocking
 * commands (workers would otherwise throw on every reconnect instead of waiting for Redis to return).
 */
export function createRedisConnection(url: string, connectionName?: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName });
}

/**
 * A Redis connection for the API's request path: while Redis is away a command fails at once instead
 * of waiting for the reconnect, so the client gets a 503 rather than a hung request. No offline queue
 * and no resend of unanswered commands: nothing a client was told had failed runs later on its own.
 * In-flight commands fail when the socket closes (`maxRetriesPerRequest: 0`) or after `commandTimeoutMs`.
 */
export function createRequestRedisConnection(
  url: string,
  connectionName: string,
  { commandTimeoutMs }: { commandTimeoutMs: number },
): Redis {
  return new Redis(url, {
    connectionName,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
  });
}

/**
 * Retries and retention per queue. Failed jobs are kept for a week for inspection; completed ones only
 * as long as status reporting needs them (the durable record of a video lives in storage).
 */
const retry = (attempts: number, delay: number): DefaultJobOptions => ({
  attempts,
  backoff: { type: 'exponential', delay },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
});

export const DEFAULT_JOB_OPTIONS: Record<QueueName, DefaultJobOptions> = {
  [QueueName.detect]: retry(3, 2_000),
  [QueueName.embed]: retry(3, 2_000),
  [QueueName.cluster]: retry(2, 5_000),
  [QueueName.finalize]: retry(5, 1_000),
  // A receiver that is down for a while still gets the callback: 8 tries over about 20 minutes.
  [QueueName.callbacks]: retry(8, 5_000),
  // A tenant's identities are recomputed whole: a failed try is retried a few times, and the next
  // completed video queues another anyway.
  [QueueName.identities]: retry(3, 5_000),
};

export interface QueueFactoryOptions {
  connection: Redis;
  prefix: string;
}

/** A typed producer handle on one pipeline queue, with that queue's default job options. */
export function createQueue<Q extends QueueName>(
  name: Q,
  { connection, prefix }: QueueFactoryOptions,
  overrides: Partial<QueueOptions> = {},
): Queue<JobDataByQueue[Q]> {
  return new Queue<JobDataByQueue[Q]>(name, {
    connection,
    prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS[name],
    ...overrides,
  });
}
