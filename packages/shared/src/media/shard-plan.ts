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

/**
 * The shard length to plan with when `longest` would leave a short remainder: the length that cuts the
 * video into as many shards, all as long as each other (to the millisecond, the last at most a few
 * milliseconds shorter). 30.2 s in 10 s shards made 10, 10, 10 and 0.2 s, and the remainder finished
 * at once while another detect job still had a whole shard to go: on 2 cores that job ran alone for
 * the last third (intel_car-detection, docs/benchmarks.md).
 *
 * A remainder of half a shard or more keeps `longest`: the shards are then nearly even already, and
 * boundaries at multiples of a round length stay on the keyframes of videos whose keyframe interval
 * divides it (a 10 s interval, x264's default at 25 fps, with 10 s shards). A shard that starts
 * between keyframes decodes from the one before: 75 % more decode CPU for a 1080p shard starting 9.5 s
 * after its keyframe (docs/benchmarks.md, "Even shards").
 */
export function evenShardSeconds(durationSeconds: number, longest: number): number {
  const count = planShards(durationSeconds, longest).length;
  if (count === 1) return longest;
  const remainder = durationSeconds - (count - 1) * longest;
  if (remainder >= longest / 2) return longest;
  const even = Math.ceil((durationSeconds / count) * 1000) / 1000;
  // Rounding up to the millisecond can only drop a shard when shards are a few milliseconds long.
  return planShards(durationSeconds, even).length === count ? even : longest;
}
