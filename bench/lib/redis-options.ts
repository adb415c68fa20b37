import type { ConnectionOptions } from 'bullmq';

/** Options (not a client) for BullMQ classes, so that each owns its connection and closes it. */
export function redisConnectionOptions(url: string): ConnectionOptions {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
}
