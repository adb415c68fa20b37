/**
 * Detect-worker benchmark (not a test): for each video, measured in one run on this machine,
 *   - decode alone: ffmpeg sampling of each shard, frames/s;
 *   - detection alone: the detector on the decoded frames, ms/frame (model run, and with pre/post);
 *   - the worker: each shard as a detect job through BullMQ, its job threads and the store, and the
 *     ratio of its wall time per shard to decode + detection measured alone.
 *
 *   npm run bench:detect -- [--fps 25] [--shard-seconds 2] [--repeat 3]
 *
 * Settings (model, threads, provider) come from the environment as for the worker. Results are also
 * written to bench/results/detect-<time>.json (ignored by git).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  QueueName,
  createLogger,
  createObjectStore,
  createQueue,
  createRedisConnection,
  loadConfig,
  planShards,
  projectRoot,
  startWorker,
  videoKeys,
  type DetectJobResult,
  type RawImage,
} from '@orion/shared';
import { fixturePath, startRedisServer } from '@orion/testkit';
import { decodeShardFrames } from '../../apps/detect-worker/src/decode/decode-shard.js';
import { Detector, intraOpThreadsFor } from '@orion/detector';
import { detectorOptions } from '../../apps/detect-worker/src/settings.js';

const { values: args } = parseArgs({
  options: {
    fps: { type: 'string', default: '25' },
    'shard-seconds': { type: 'string', default: '2' },
    repeat: { type: 'string', default: '3' },
  },
});
const fps = Number(args.fps);
const shardSeconds = Number(args['shard-seconds']);
const repeat = Math.max(1, Number(args.repeat));

const VIDEOS = [
  { name: 'bus', file: 'bus_zoompan_6s_540x720.mp4', seconds: 6 },
  { name: 'TUD', file: 'TUD-Campus_640x480_25fps.mp4', seconds: 71 / 25 },
];

interface Row {
  shard: number;
  frames: number;
  decodeFps: number;
  inferenceMsPerFrame: number;
  detectMsPerFrame: number;
  decodeMs: number;
  detectMs: number;
  workerWallMs: number;
  ratio: number;
  workerTimings?: DetectJobResult['timings'];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (v: number) => v.toFixed(1);

async function decodeAlone(file: string, start: number, end: number) {
  const t = performance.now();
  const frames: RawImage[] = [];
  for await (const f of decodeShardFrames({ input: file, startSeconds: start, endSeconds: end, fps })) {
    frames.push(f.image);
  }
  return { frames, ms: performance.now() - t };
}

/**
 * The cost of tiled detection (DETECT_TILES=2x2: the frame plus four tiles) against the frame alone,
 * detection only, on each video's first shard; recall is measured by `npm run bench:tiles`.
 */
async function tilesRows(config: ReturnType<typeof loadConfig>) {
  const off = await Detector.load(
    detectorOptions({ ...config, detector: { ...config.detector, tiles: 'off' } }),
  );
  const tiled = await Detector.load(
    detectorOptions({ ...config, detector: { ...config.detector, tiles: '2x2' } }),
  );
  const rows: {
    video: string;
    frames: number;
    offMsPerFrame: number;
    tilesMsPerFrame: number;
    ratio: number;
  }[] = [];
  try {
    console.log('tiles (detection alone, first shard)');
    console.log('video  frames  off ms/frame  2x2 ms/frame  2x2 / off');
    for (const video of VIDEOS) {
      const { frames } = await decodeAlone(
        fixturePath('videos', video.file),
        0,
        Math.min(shardSeconds, video.seconds),
      );
      const offMs: number[] = [];
      const tiledMs: number[] = [];
      for (let r = 0; r < repeat; r++) {
        let t = performance.now();
        await off.detect(frames);
        offMs.push(performance.now() - t);
        t = performance.now();
        await tiled.detect(frames);
        tiledMs.push(performance.now() - t);
      }
      const row = {
        video: video.name,
        frames: frames.length,
        offMsPerFrame: median(offMs) / frames.length,
        tilesMsPerFrame: median(tiledMs) / frames.length,
        ratio: median(tiledMs) / median(offMs),
      };
      rows.push(row);
      console.log(
        `${row.video.padEnd(5)}  ${String(row.frames).padStart(6)}  ${ms(row.offMsPerFrame).padStart(12)}  ${ms(row.tilesMsPerFrame).padStart(12)}  ${row.ratio.toFixed(2).padStart(9)}`,
      );
    }
    console.log('');
  } finally {
    await off.close();
    await tiled.close();
  }
  return rows;
}

async function main() {
  const redis = await startRedisServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'orion-bench-detect-'));
  const env = { REDIS_URL: redis.url, STORAGE_URL: `file://${dataDir}`, LOG_LEVEL: 'warn' };
  const config = loadConfig({ ...process.env, ...env });
  const store = createObjectStore(config);
  const logger = createLogger({ name: 'bench-detect', level: 'warn' });
  const detector = await Detector.load(detectorOptions(config));
  const connection = createRedisConnection(redis.url);
  const prefix = `bench-${randomUUID()}`;
  const queue = createQueue(QueueName.detect, { connection, prefix });
  const worker = await startWorker({
    queue: QueueName.detect,
    processor: new URL('../../apps/detect-worker/src/processor.ts', import.meta.url),
    concurrency: 1,
    connection,
    prefix,
    logger,
    env,
  });

  const threads = intraOpThreadsFor(config.onnxThreads.intraOp, config.detector.concurrency);
  console.log(
    `detect benchmark: model ${detector.name} on ${detector.provider.toUpperCase()}, ${threads} intra-op thread(s), ` +
      `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${fps} fps, ${shardSeconds} s shards, median of ${repeat}\n`,
  );
  const report: unknown[] = [];
  try {
    // Warm-up: first session runs and first ffmpeg spawn are slower than the rest.
    const warm = await decodeAlone(fixturePath('videos', VIDEOS[1]!.file), 0, 0.5);
    await detector.detect(warm.frames);

    for (const video of VIDEOS) {
      const file = fixturePath('videos', video.file);
      const sourceKey = videoKeys(`bench-${video.name}`).source;
      await store.put(sourceKey, await readFile(file));
      const rows: Row[] = [];
      for (const shard of planShards(video.seconds, shardSeconds)) {
        const decodeMs: number[] = [];
        const detectMs: number[] = [];
        const runMs: number[] = [];
        const walls: number[] = [];
        let frames = 0;
        let result: DetectJobResult | undefined;
        // Interleaved, so that load from other processes hits the three measurements alike.
        for (let r = 0; r < repeat; r++) {
          const decoded = await decodeAlone(file, shard.startSeconds, shard.endSeconds);
          frames = decoded.frames.length;
          decodeMs.push(decoded.ms);
          const t = performance.now();
          const { timing } = await detector.detect(decoded.frames);
          detectMs.push(performance.now() - t);
          runMs.push(timing.inferenceMs);

          const job = await queue.add('detect', {
            videoId: `bench-${video.name}`,
            tenantId: 'bench',
            sourceKey,
            shard,
            targetFps: fps,
          });
          for (;;) {
            const state = await job.getState();
            if (state === 'completed') break;
            if (state === 'failed')
              throw new Error(`bench job failed: ${(await queue.getJob(job.id!))?.failedReason}`);
            await new Promise((res) => setTimeout(res, 20));
          }
          const done = (await queue.getJob(job.id!))!;
          walls.push(done.finishedOn! - done.processedOn!);
          result = done.returnvalue as DetectJobResult;
        }
        const alone = median(decodeMs) + median(detectMs);
        rows.push({
          shard: shard.index,
          frames,
          decodeFps: (1000 * frames) / median(decodeMs),
          inferenceMsPerFrame: median(runMs) / frames,
          detectMsPerFrame: median(detectMs) / frames,
          decodeMs: median(decodeMs),
          detectMs: median(detectMs),
          workerWallMs: median(walls),
          ratio: median(walls) / alone,
          workerTimings: result?.timings,
        });
      }
      report.push({ video: video.name, rows });
      console.log(`${video.name} (${video.file})`);
      console.log(
        'shard  frames  decode fps  infer ms/frame  detect ms/frame  decode+detect alone ms  worker wall ms  worker / alone',
      );
      for (const r of rows) {
        console.log(
          `${String(r.shard).padStart(5)}  ${String(r.frames).padStart(6)}  ${r.decodeFps.toFixed(0).padStart(10)}  ${ms(r.inferenceMsPerFrame).padStart(14)}  ${ms(r.detectMsPerFrame).padStart(15)}  ${ms(r.decodeMs + r.detectMs).padStart(22)}  ${ms(r.workerWallMs).padStart(14)}  ${r.ratio.toFixed(2).padStart(14)}`,
        );
      }
      const total = (k: 'frames' | 'decodeMs' | 'detectMs' | 'workerWallMs') =>
        rows.reduce((s, r) => s + r[k], 0);
      console.log(
        `  all: decode ${((1000 * total('frames')) / total('decodeMs')).toFixed(0)} frames/s, detect ${ms(total('detectMs') / total('frames'))} ms/frame, worker/alone ${(total('workerWallMs') / (total('decodeMs') + total('detectMs'))).toFixed(2)}\n`,
      );
    }
    report.push({ tiles: await tilesRows(config) });

    const outDir = join(projectRoot(), 'bench', 'results');
    await mkdir(outDir, { recursive: true });
    const out = join(outDir, `detect-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(
      out,
      JSON.stringify(
        {
          fps,
          shardSeconds,
          repeat,
          model: detector.name,
          provider: detector.provider,
          threads,
          cores: availableParallelism(),
          report,
        },
        null,
        2,
      ),
    );
    console.log(`wrote ${out}`);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
    await detector.close();
    await store.close();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
