/**
 * Lock renewal of a long detect job (not a test): one shard through the real detect processor in its
 * job thread, with the workers' default lock settings (WORKER_LOCK_DURATION_MS …), while the job's
 * lock key is sampled in Redis every 50 ms. Prints the job's wall time, the longest time between two
 * renewals, the lowest remaining lock time seen (0 would be a false stall) and the main thread's
 * event-loop delay meanwhile (the thread is busy with ONNX; the main thread only talks to Redis).
 *
 *   npx tsx --conditions=orion-source bench/lock-renewal.ts -- [--seconds 60] [--fps 10]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  QueueName,
  createLogger,
  createObjectStore,
  createQueue,
  createRedisConnection,
  loadConfig,
  planShards,
  startWorker,
  videoKeys,
} from '@orion/shared';
import { fixturePath, startRedisServer } from '@orion/testkit';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, fps: { type: 'string', default: '10' } },
});
const seconds = Number(args.seconds);
const fps = Number(args.fps);
const VIDEO = 'intel_one-by-one-person-detection.mp4'; // 139 s

async function main() {
  const redis = await startRedisServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'orion-bench-lock-'));
  const env = { REDIS_URL: redis.url, STORAGE_URL: `file://${dataDir}`, LOG_LEVEL: 'warn' };
  const config = loadConfig({ ...process.env, ...env });
  const { lockDurationMs, stalledIntervalMs, maxStalledCount } = config.workerLocks;
  const store = createObjectStore(config);
  const connection = createRedisConnection(redis.url);
  const sampler = createRedisConnection(redis.url);
  const prefix = `bench-${randomUUID()}`;
  const queue = createQueue(QueueName.detect, { connection, prefix });
  const stalled: string[] = [];
  const worker = await startWorker({
    queue: QueueName.detect,
    processor: new URL('../apps/detect-worker/src/processor.ts', import.meta.url),
    concurrency: 1,
    connection,
    prefix,
    logger: createLogger({ name: 'bench-lock', level: 'warn' }),
    env,
    workerOptions: { lockDuration: lockDurationMs, stalledInterval: stalledIntervalMs, maxStalledCount },
  });
  worker.worker.on('stalled', (id) => stalled.push(id));
  try {
    const videoId = 'bench-lock';
    const sourceKey = videoKeys(videoId).source;
    await store.put(sourceKey, await readFile(fixturePath('videos', VIDEO)));
    const [shard] = planShards(seconds, seconds);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const job = await queue.add('detect', {
      videoId,
      tenantId: 'bench',
      sourceKey,
      shard: shard!,
      targetFps: fps,
    });
    const lockKey = `${prefix}:detect:${job.id}:lock`;
    let minTtl = Infinity;
    let lastTtl = -1;
    let lastRenewal = 0;
    let longestGap = 0;
    let renewals = 0;
    for (;;) {
      const state = await job.getState();
      if (state === 'completed' || state === 'failed') break;
      const ttl = await sampler.pttl(lockKey);
      const now = Date.now();
      if (ttl > 0) {
        if (lastTtl < 0 || ttl > lastTtl + 100) {
          if (lastRenewal) longestGap = Math.max(longestGap, now - lastRenewal);
          if (lastTtl >= 0) renewals++;
          lastRenewal = now;
        }
        minTtl = Math.min(minTtl, ttl);
        lastTtl = ttl;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    delay.disable();
    const done = (await queue.getJob(job.id!))!;
    if (done.failedReason) throw new Error(`the job failed: ${done.failedReason}`);
    const result = done.returnvalue as { frames?: number };
    console.log(
      [
        `lock renewal: ${VIDEO}, one ${seconds} s shard at ${fps} fps (${result.frames ?? '?'} frames)`,
        `  settings: lock ${lockDurationMs} ms (renewed every ${lockDurationMs / 2} ms), stall check every ${stalledIntervalMs} ms, ${maxStalledCount} stalls allowed`,
        `  job wall time: ${((done.finishedOn! - done.processedOn!) / 1000).toFixed(1)} s, ${renewals} renewals`,
        `  longest time between renewals: ${longestGap} ms (ratio to the lock: ${(longestGap / lockDurationMs).toFixed(2)})`,
        `  lowest remaining lock time seen: ${minTtl} ms (ratio to the lock: ${(minTtl / lockDurationMs).toFixed(2)})`,
        `  main thread event-loop delay: p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
        `  stalled events: ${stalled.length}`,
      ].join('\n'),
    );
  } finally {
    await worker.close();
    await queue.close();
    await connection.quit();
    await sampler.quit();
    await store.close();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
