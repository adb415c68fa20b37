/**
 * The whole embed stage's cost per crop with and without the label check (issue #18), back to back
 * in one process: `embedShard` itself (read the shard, embed and verify, re-id on people, store),
 * on real shards the detect stage wrote.
 *
 *   npm run bench:embed-stage [-- --rounds 3 --threads 1]
 *
 * Shards: the first 20 s of intel_bottle-detection.mp4 at 4 samples/s (bottles) and the first 4 s
 * of TUD-Campus at 10 samples/s (people, so the re-id model runs as it does by default). Variants,
 * alternated round by round so that the machine's load hits them alike, best round kept:
 * - today: the embedding model's own verification (no label check);
 * - label check: the fitted model on every crop, NanoDet-m's second look at the flagged ones;
 * - label check without the second look (LABEL_CHECK_SECOND_LOOK=none).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SECOND_LOOK, Detector, SecondLook } from '@orion/detector';
import { ReidEmbedder, createEmbeddingModel, labelCheckParams } from '@orion/embeddings';
import { FsObjectStore, sharedDir } from '@orion/shared';
import { detectShard } from '../../apps/detect-worker/src/detect-shard.js';
import { embedShard, type EmbedShardDeps } from '../../apps/embed-worker/src/embed-shard.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
  },
});
const shared = sharedDir();
if (!shared) throw new Error('../shared (models and fixtures) is missing');
const modelsDir = join(shared, 'models');
const common = { modelsDir, executionProvider: 'cpu' as const, intraOpThreads: Number(args.threads) };
const work = await mkdtemp(join(tmpdir(), 'orion-bench-embed-stage-'));
const store = new FsObjectStore(work);

const shards = [
  { videoId: 'bottles', video: 'intel_bottle-detection.mp4', seconds: 20, fps: 4 },
  { videoId: 'campus', video: 'TUD-Campus_640x480_25fps.mp4', seconds: 4, fps: 10 },
];
const detector = await Detector.load({
  ...common,
  model: 'yolox_nano',
  interOpThreads: 1,
  scoreThreshold: 0.3,
  batchSize: 4,
});
for (const s of shards) {
  await detectShard(
    {
      videoId: s.videoId,
      shard: { index: 0, count: 1, startSeconds: 0, endSeconds: s.seconds },
      targetFps: s.fps,
      source: join(shared, 'fixtures', 'videos', s.video),
    },
    { detector, store, cropMargin: 0.1 },
  );
}
await detector.close();

const model = await createEmbeddingModel({ backend: 'vision', ...common, interOpThreads: 1, batchSize: 16 });
const reid = await ReidEmbedder.load({
  ...common,
  model: 'osnet_x0_25_msmt17',
  interOpThreads: 1,
  batchSize: 16,
});
const look = await SecondLook.load({ ...DEFAULT_SECOND_LOOK, ...common });
const params = labelCheckParams();
const base: EmbedShardDeps = {
  model,
  store,
  multimodal: false,
  verifyThreshold: 0.3,
  reid: { embedder: reid, classes: ['person'] },
};
const variants: { name: string; deps: EmbedShardDeps }[] = [
  { name: 'today (no label check)', deps: base },
  {
    name: 'label check, second look on flagged crops',
    deps: { ...base, labelCheck: { params, secondLook: look } },
  },
  { name: 'label check, no second look', deps: { ...base, labelCheck: { params, secondLook: null } } },
];

try {
  console.log(
    `embed stage, back to back: best of ${args.rounds} rounds, ${args.threads} ONNX thread(s), ` +
      `${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  for (const s of shards) {
    // Warm-up: first runs allocate.
    for (const v of variants) await embedShard({ videoId: s.videoId, shardIndex: 0 }, v.deps);
    const best = variants.map(() => ({ ms: Infinity, crops: 0, flagged: 0 }));
    for (let r = 0; r < Number(args.rounds); r++) {
      for (const [i, v] of variants.entries()) {
        const result = await embedShard({ videoId: s.videoId, shardIndex: 0 }, v.deps);
        if (result.timings.totalMs < best[i]!.ms)
          best[i] = {
            ms: result.timings.totalMs,
            crops: result.count,
            flagged: result.verification!.mismatches,
          };
      }
    }
    const today = best[0]!.ms / best[0]!.crops;
    for (const [i, v] of variants.entries()) {
      const b = best[i]!;
      const perCrop = b.ms / b.crops;
      console.log(
        `${s.videoId.padEnd(8)} ${v.name.padEnd(42)} ${b.crops} crops, ${b.flagged} flagged: ` +
          `${perCrop.toFixed(2)} ms/crop (${(perCrop / today).toFixed(2)}× today)`,
      );
    }
  }
} finally {
  await Promise.all([model.close(), reid.close(), look.close()]);
  await rm(work, { recursive: true, force: true });
}
