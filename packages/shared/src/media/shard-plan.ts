import type { ShardSpan } from '../queues/payloads.js';

/**
 * Splits [0, duration) into consecutive half-open ranges of `shardSeconds` (the last may be shorter).
 * Boundaries are multiples of `shardSeconds`, so a frame at time t belongs to exactly one shard.
 */
export function planShards(durationSeconds: number, shardSeconds: number): ShardSpan[] {
  if (!(durationSeconds > 0)) throw new RangeError(`duration must be positive, got ${durationSeconds}`);
  if (!(shardSeconds > 0)) throw new RangeError(`shardSeconds must be positive, got ${shardSeconds}`);
  // A float remainder below a microsecond is rounding noise from the container, not another shard.
  const count = Math.max(1, Math.ceil(durationSeconds / shardSeconds - 1e-6));
  return Array.from({ length: count }, (_, index) => ({
    index,
    count,
    startSeconds: index * shardSeconds,
    endSeconds: index === count - 1 ? durationSeconds : (index + 1) * shardSeconds,
  }));
}

/**
 * The shard length to plan with: the requested one, or — when that would make more than `maxShards`
 * shards — the shortest length (rounded up to the millisecond, for a readable plan) that fits.
 */
export function fitShardSeconds(durationSeconds: number, requested: number, maxShards: number): number {
  if (!(durationSeconds > 0)) throw new RangeError(`duration must be positive, got ${durationSeconds}`);
  if (!(maxShards >= 1)) throw new RangeError(`maxShards must be at least 1, got ${maxShards}`);
  const shortest = Math.ceil((durationSeconds / Math.floor(maxShards)) * 1000) / 1000;
  return Math.max(requested, shortest);
}
