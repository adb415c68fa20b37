import sharp from 'sharp';
import { ReidEmbedder, createEmbeddingModel, type AnalyzeItem, type EmbeddingModel } from '@orion/embeddings';
import { hdbscanOnThisThread } from '@orion/hdbscan';
import { probeMedia, type Box, type OrionConfig, type RawImage } from '@orion/shared';
import { associate } from '../../apps/cluster-worker/src/associate.js';
import { buildEntities } from '../../apps/cluster-worker/src/build-entities.js';
import type { GatheredObservation } from '../../apps/cluster-worker/src/gather.js';
import { decodeShardFrames, type DecodedFrame } from '../../apps/detect-worker/src/decode/decode-shard.js';
import { Detector } from '@orion/detector';
import { CROP_MAX_SIDE, cropRegion } from '../../apps/detect-worker/src/output/crops.js';
import { detectorOptions } from '../../apps/detect-worker/src/settings.js';
import { forEachFrameBatch } from '../../apps/detect-worker/src/shard/frame-batches.js';
import { frameDetection } from '../../apps/detect-worker/src/shard/frame-detection.js';
import { embedWorkerSettings } from '../../apps/embed-worker/src/settings.js';

/** Where the plain loop's time went, in milliseconds. */
export interface PlainTimings {
  decodeMs: number;
  detectMs: number;
  cropMs: number;
  embedMs: number;
  /** Tracklets, HDBSCAN on them and entities: the cluster stage's work. */
  clusterMs: number;
  /** HDBSCAN on every observation embedding (the `observations` mode's cost for this video). */
  hdbscanObservationsMs: number;
  /** The re-id model on the crops of its classes, as the embed stage runs it (not in `totalMs`). */
  reidMs: number;
  totalMs: number;
}

/** CPU time (ms) of this process's threads during each stage (the stages run one after another). */
export interface PlainCpu {
  detectMs: number;
  cropMs: number;
  embedMs: number;
  /** The re-id model (measured on the side: the loop's total time leaves it out). */
  reidMs: number;
  clusterMs: number;
}

/** User + system CPU time of this process so far (ms), every thread included. */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface PlainRun {
  frames: number;
  detections: number;
  entities: number;
  timings: PlainTimings;
  cpu: PlainCpu;
  /** The first crops of the video (as many as asked for), for measurements of their own. */
  sampleCrops: AnalyzeItem[];
}

/**
 * The same work as Orion in one process and one pass, with no queue and no storage: ffmpeg decode of
 * the whole video at the target fps → detector → crops (raw pixels, never JPEG) → embedder (with class
 * verification, as the embed stage does) → tracklets + HDBSCAN → entities. Models are loaded once by
 * `load()`, outside the timed runs, as a long-running worker would have them.
 */
export class PlainPipeline {
  private constructor(
    private readonly config: OrionConfig,
    private readonly detector: Detector,
    private readonly embedder: EmbeddingModel,
    private readonly reid: { embedder: ReidEmbedder; classes: Set<string> } | undefined,
  ) {}

  static async load(config: OrionConfig): Promise<PlainPipeline> {
    // One process, one model session each, on every core: the workers' concurrency settings are
    // Orion's to tune, not the plain loop's.
    const detector = await Detector.load({ ...detectorOptions(config), concurrency: 1 });
    // The yardstick keeps its thread count (cores ÷ 1) whatever the embed worker's share of the cores.
    const embedder = await createEmbeddingModel({
      ...embedWorkerSettings(config).model,
      intraOpThreads: config.onnxThreads.intraOp,
      concurrency: 1,
    });
    const reidSettings = embedWorkerSettings(config).reid;
    const reid = reidSettings
      ? {
          embedder: await ReidEmbedder.load({
            ...reidSettings.model,
            intraOpThreads: config.onnxThreads.intraOp,
            concurrency: 1,
          }),
          classes: new Set(reidSettings.classes),
        }
      : undefined;
    return new PlainPipeline(config, detector, embedder, reid);
  }

  /** The detector's classes: the candidates class verification compares against. */
  get labels(): readonly string[] {
    return this.detector.labels;
  }

  get providers(): { detector: string; embedder: string } {
    return { detector: this.detector.provider, embedder: this.embedder.executionProvider };
  }

  async run(file: string, options: { sampleCrops?: number } = {}): Promise<PlainRun> {
    const { config, detector, embedder, reid } = this;
    const started = performance.now();
    const t: PlainTimings = {
      decodeMs: 0,
      detectMs: 0,
      cropMs: 0,
      embedMs: 0,
      clusterMs: 0,
      hdbscanObservationsMs: 0,
      reidMs: 0,
      totalMs: 0,
    };
    const cpu: PlainCpu = { detectMs: 0, cropMs: 0, embedMs: 0, reidMs: 0, clusterMs: 0 };
    const { durationSeconds } = await probeMedia(file);
    const observations: GatheredObservation[] = [];
    let queued: { obs: GatheredObservation; item: AnalyzeItem; box: Box }[] = [];
    const sampleCrops: AnalyzeItem[] = [];
    let frames = 0;

    const embed = async (all = false) => {
      while (queued.length >= embedder.batchSize || (all && queued.length > 0)) {
        const chunk = queued.slice(0, embedder.batchSize);
        queued = queued.slice(chunk.length);
        const s = performance.now();
        const c = cpuNow();
        const results = await embedder.analyze(
          chunk.map((c) => c.item),
          { verifyThreshold: config.embedding.verifyThreshold, candidates: detector.labels },
        );
        t.embedMs += performance.now() - s;
        cpu.embedMs += cpuNow() - c;
        chunk.forEach((c, i) => (c.obs.embedding = results[i]!.embedding));
        const people = chunk.filter((c) => reid?.classes.has(c.item.className));
        if (reid && people.length > 0) {
          const s = performance.now();
          const c = cpuNow();
          await reid.embedder.embed(people.map((p) => ({ image: p.item.image, box: p.box })));
          t.reidMs += performance.now() - s;
          cpu.reidMs += cpuNow() - c;
        }
      }
    };
    const detectBatch = async (batch: DecodedFrame[]) => {
      let s = performance.now();
      let c = cpuNow();
      const { detections } = await detector.detect(batch.map((f) => f.image));
      t.detectMs += performance.now() - s;
      cpu.detectMs += cpuNow() - c;
      s = performance.now();
      c = cpuNow();
      const fresh: { obs: GatheredObservation; item: AnalyzeItem; box: Box }[] = [];
      const cuts: Promise<void>[] = [];
      for (const [i, frame] of batch.entries()) {
        for (const d of detections[i]!) {
          const obs: GatheredObservation = {
            id: `0:${observations.length}`,
            shard: 0,
            detection: frameDetection(observations.length, frame, d),
            verification: null,
            embedding: null,
          };
          observations.push(obs);
          const entry = {
            obs,
            item: { image: frame.image, className: d.label } as AnalyzeItem,
            box: d.box as Box,
          };
          fresh.push(entry);
          // libvips cuts the batch's crops in parallel, off the main thread.
          cuts.push(
            rawCrop(frame.image, d.box, config.detector.cropMargin).then(({ image, box }) => {
              entry.item.image = image;
              entry.box = box;
            }),
          );
        }
      }
      await Promise.all(cuts);
      queued.push(...fresh);
      sampleCrops.push(
        ...fresh.slice(0, Math.max(0, (options.sampleCrops ?? 0) - sampleCrops.length)).map((e) => e.item),
      );
      t.cropMs += performance.now() - s;
      cpu.cropMs += cpuNow() - c;
      await embed();
    };

    const decoded = decodeShardFrames({
      input: file,
      startSeconds: 0,
      endSeconds: durationSeconds,
      fps: config.pipeline.targetFps,
    });
    t.decodeMs = await forEachFrameBatch(decoded, detector.batchSize, async (batch) => {
      frames += batch.length;
      await detectBatch(batch);
    });
    await embed(true);

    let s = performance.now();
    const c = cpuNow();
    const grouped = await associate(observations, {
      association: config.association.mode,
      noise: config.association.noise,
      clustering: config.clustering,
      tracker: config.association.tracker,
    });
    const entities = buildEntities(grouped.groups, embedder.embeddingDim);
    t.clusterMs = performance.now() - s;
    cpu.clusterMs = cpuNow() - c;

    s = performance.now();
    if (observations.length >= 2) {
      const dim = embedder.embeddingDim;
      const data = new Float32Array(observations.length * dim);
      observations.forEach((o, r) => data.set(o.embedding!, r * dim));
      await hdbscanOnThisThread(
        { data, rows: observations.length, cols: dim },
        {
          minClusterSize: config.clustering.minClusterSize,
          minSamples: Math.min(config.clustering.minSamples, observations.length - 1),
          clusterSelectionEpsilon: config.clustering.clusterSelectionEpsilon,
          clusterSelectionMethod: config.clustering.clusterSelectionMethod,
          metric: 'cosine',
          threads: 1,
        },
      );
    }
    t.hdbscanObservationsMs = performance.now() - s;
    // The observation-mode HDBSCAN is a stage cost measured on the side, not part of the loop.
    // So is the re-id model, which the loop did not run before issue #21 (the yardstick stays).
    t.totalMs = performance.now() - started - t.hdbscanObservationsMs - t.reidMs;
    return {
      frames,
      detections: observations.length,
      entities: entities.length,
      timings: t,
      cpu,
      sampleCrops,
    };
  }

  async close(): Promise<void> {
    await this.detector.close();
    await this.embedder.close();
    await this.reid?.embedder.close();
  }
}

/**
 * The detect stage's crop region, as raw RGB (what the embedder decodes a stored JPEG crop into),
 * and the detection box in the crop's pixels (what the re-id model cuts).
 */
async function rawCrop(
  frame: RawImage,
  box: [number, number, number, number],
  margin: number,
): Promise<{ image: RawImage; box: Box }> {
  const [left, top, width, height] = cropRegion(box, frame.width, frame.height, margin);
  const { data, info } = await sharp(frame.data, {
    raw: { width: frame.width, height: frame.height, channels: 3 },
  })
    .extract({ left, top, width, height })
    .resize(CROP_MAX_SIDE, CROP_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sx = info.width / width;
  const sy = info.height / height;
  return {
    image: { data, width: info.width, height: info.height },
    box: [(box[0] - left) * sx, (box[1] - top) * sy, (box[2] - left) * sx, (box[3] - top) * sy],
  };
}
