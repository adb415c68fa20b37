import {
  toRawImage,
  type AnalyzeResult,
  type EmbeddingModel,
  type EmbeddingStats,
  type ReidEmbedder,
  type Verification,
} from '@orion/embeddings';
import {
  InvalidShardFileError,
  boxInCrop,
  packEmbeddings,
  readShardCrops,
  readShardDetections,
  videoKeys,
  type EmbedJobResult,
  type EmbedTimings,
  type EmbeddingObservation,
  type Logger,
  type ObjectStore,
  type JobProgress,
  type RawImage,
  type StoredVerification,
} from '@orion/shared';
import { LabelCheckPass, type LabelCheckDeps } from './label-check-pass.js';
import { ReidPass } from './reid-pass.js';

export interface EmbedShardInput {
  videoId: string;
  shardIndex: number;
}

export interface EmbedShardDeps {
  model: EmbeddingModel;
  store: ObjectStore;
  multimodal: boolean;
  verifyThreshold: number;
  /** The re-id model and the labels whose crops it embeds; absent when REID_MODEL=none. */
  reid?: { embedder: ReidEmbedder; classes: readonly string[] };
  /**
   * The label check (issue #18): when given, it sets every crop's verification (a calibrated
   * probability for every class) in place of the embedding model's own.
   */
  labelCheck?: LabelCheckDeps;
  logger?: Logger;
  onProgress?: (progress: JobProgress) => void;
  /** Least time between two progress reports (the last one is always sent). */
  progressIntervalMs?: number;
}

function storedVerification(v: Verification): StoredVerification {
  return v.status === 'verified'
    ? {
        status: 'verified',
        isMatch: v.isMatch,
        probability: v.probability,
        similarity: v.similarity,
        confidence: v.confidence,
        suggestedClass: v.suggestedClass,
        suggestedProbability: v.suggestedProbability,
      }
    : {
        status: 'unverifiable',
        reason: v.reason,
        suggestedClass: v.suggestedClass,
        suggestedProbability: v.suggestedProbability,
      };
}

const since = (before: EmbeddingStats, after: EmbeddingStats, key: keyof EmbeddingStats) =>
  after[key] - before[key];
const round1 = (ms: number) => Math.round(ms * 10) / 10;

/**
 * One shard, end to end: read its crops and detections, embed and verify the crops batch by batch,
 * then store the matrices and their index. The output depends only on the crops, the model and the
 * settings (no timestamps), so running a shard again writes the same bytes to the same keys.
 */
export async function embedShard(input: EmbedShardInput, deps: EmbedShardDeps): Promise<EmbedJobResult> {
  const { model, store } = deps;
  if (deps.multimodal && !model.canEmbedText) {
    throw new Error(
      `multimodal embeddings need a model with a text encoder; "${model.name}" (${model.backend}) has none`,
    );
  }
  const started = performance.now();
  const keys = videoKeys(input.videoId).shard(input.shardIndex);

  const detectionsFile = await readShardDetections(store, input.videoId, input.shardIndex);
  const { crops } = await readShardCrops(store, input.videoId, input.shardIndex);
  const readMs = performance.now() - started;
  const byId = new Map(detectionsFile.detections.map((d) => [d.id, d]));
  const observations: EmbeddingObservation[] = crops.map(({ entry }) => {
    const d = byId.get(entry.detection);
    if (!d || d.frame !== entry.frame) {
      throw new InvalidShardFileError(keys.cropsIndex, [
        `crop of detection ${entry.detection} (frame ${entry.frame}) has no matching detection in ${keys.detections}`,
      ]);
    }
    return { detection: d.id, frame: d.frame, label: d.label, verification: null };
  });
  // Verification shares each crop's probability among the detector's own classes.
  const candidates = detectionsFile.labels;
  // Each crop's JPEG is decoded once, for the embedding model and the re-id model alike (a person
  // crop was decoded twice); the pixels are dropped as soon as both have used them.
  const decoded: (RawImage | undefined)[] = [];
  let decodeMs = 0;
  const reid = deps.reid
    ? new ReidPass(
        deps.reid.embedder,
        deps.reid.classes,
        observations.map((o) => o.label),
        (row) => {
          // The detection box inside its crop: crops carry a margin.
          const crop = crops[row]!;
          return {
            image: decoded[row] ?? crop.jpeg,
            box: boxInCrop(crop.entry, byId.get(crop.entry.detection)!.box),
          };
        },
      )
    : undefined;

  const statsBefore = model.stats;
  const results: AnalyzeResult[] = [];
  let lastReport = 0;
  const report = (force: boolean) => {
    const now = performance.now();
    if (!deps.onProgress || (!force && now - lastReport < (deps.progressIntervalMs ?? 1000))) return;
    lastReport = now;
    const total = crops.length;
    const done = results.length;
    deps.onProgress({ stage: 'embed', done, total, percent: total ? Math.round((100 * done) / total) : 100 });
  };
  let released = 0;
  for (let i = 0; i < crops.length; i += model.batchSize) {
    const chunk = crops.slice(i, i + model.batchSize);
    const decodeStarted = performance.now();
    const images = await Promise.all(chunk.map((c) => toRawImage(c.jpeg)));
    decodeMs += performance.now() - decodeStarted;
    if (reid) images.forEach((image, j) => (decoded[i + j] = image));
    results.push(
      ...(await model.analyze(
        images.map((image, j) => ({ image, className: observations[i + j]!.label })),
        { verifyThreshold: deps.verifyThreshold, multimodal: deps.multimodal, candidates },
      )),
    );
    await reid?.advance(results.length);
    for (const end = Math.min(results.length, reid?.pendingFrom ?? Infinity); released < end; released++)
      decoded[released] = undefined;
    report(false);
  }
  await reid?.advance(crops.length, true);
  decoded.length = 0;
  const statsAfter = model.stats;

  const check = deps.labelCheck
    ? new LabelCheckPass(deps.labelCheck, detectionsFile, model.backend === 'vision')
    : undefined;
  const verifications = check
    ? await check.run(
        crops.map((crop, i) => ({ crop, detection: byId.get(crop.entry.detection)!, result: results[i]! })),
      )
    : results.map((r) => storedVerification(r.verification!));
  verifications.forEach((v, i) => (observations[i]!.verification = v));
  const storeStarted = performance.now();
  const { bin, index } = packEmbeddings({
    videoId: input.videoId,
    shardIndex: input.shardIndex,
    model: {
      backend: model.backend,
      name: model.name,
      sha256: model.sha256,
      executionProvider: model.executionProvider,
    },
    dim: model.embeddingDim,
    observations,
    vision: results.map((r) => r.embedding),
    multimodal: deps.multimodal
      ? {
          vectors: results.map((r) => r.multimodal!),
          textWeight: model.multimodalTextWeight,
          promptTemplate: model.promptTemplate,
        }
      : undefined,
    verification: {
      threshold: deps.labelCheck ? deps.labelCheck.params.flagBelow : deps.verifyThreshold,
      candidates,
    },
    reid: reid
      ? {
          dim: reid.embedder.dim,
          model: {
            name: reid.embedder.name,
            sha256: reid.embedder.sha256,
            executionProvider: reid.embedder.executionProvider,
          },
          classes: [...reid.classes],
          rows: reid.rows,
          vectors: reid.vectors,
        }
      : undefined,
  });
  await store.put(keys.embeddings, bin, { contentType: 'application/octet-stream' });
  // Last: a readable index means the matrices it describes are all there.
  await store.put(keys.embeddingsIndex, JSON.stringify(index), { contentType: 'application/json' });
  const storeMs = performance.now() - storeStarted;
  report(true);

  const totalMs = performance.now() - started;
  const timings: EmbedTimings = {
    readMs: round1(readMs),
    preprocessMs: round1(decodeMs + since(statsBefore, statsAfter, 'preprocessMs')),
    inferenceMs: round1(since(statsBefore, statsAfter, 'inferenceMs')),
    textMs: round1(since(statsBefore, statsAfter, 'textMs')),
    storeMs: round1(storeMs),
    ...(reid ? { reidMs: round1(reid.ms) } : {}),
    ...(check ? { labelCheckMs: round1(check.ms) } : {}),
    totalMs: round1(totalMs),
  };
  const verified = observations.filter((o) => o.verification?.status === 'verified');
  return {
    videoId: input.videoId,
    shardIndex: input.shardIndex,
    count: observations.length,
    dim: model.embeddingDim,
    backend: model.backend,
    model: model.name,
    executionProvider: model.executionProvider,
    multimodal: deps.multimodal,
    verification: {
      verified: verified.length,
      matches: verified.filter((o) => o.verification?.status === 'verified' && o.verification.isMatch).length,
      mismatches: verified.filter((o) => o.verification?.status === 'verified' && !o.verification.isMatch)
        .length,
      unverifiable: observations.length - verified.length,
    },
    timings,
    cropsPerSecond: totalMs > 0 ? Math.round((observations.length / totalMs) * 10_000) / 10 : 0,
    keys: { embeddings: keys.embeddings, embeddingsIndex: keys.embeddingsIndex },
    ...(reid
      ? {
          reid: {
            model: reid.embedder.name,
            executionProvider: reid.embedder.executionProvider,
            dim: reid.embedder.dim,
            crops: reid.rows.length,
            classes: [...reid.classes],
          },
        }
      : {}),
  };
}
