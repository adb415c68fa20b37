import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  InvalidMediaError,
  videoFlowOf,
  evenShardSeconds,
  fitShardSeconds,
  planShards,
  probeMedia,
  videoKeys,
  type Logger,
  type ObjectStore,
  type OrionConfig,
  type VideoRecord,
  type VideoRepository,
} from '@orion/shared';
import type { SubmitOptions, SubmittedItem } from '@orion/shared/api';
import type { PipelineQueues } from './pipeline-queues.js';
import type { ProbePool } from './probe-pool.js';

export interface AdmitInput {
  videoId: string;
  tenantId: string;
  sourceKey: string;
  /** Orion stored this source (an upload) and deletes it when the video is refused or deleted. */
  ownsSource: boolean;
  filename?: string;
  options: SubmitOptions;
}

/** How messages name a source: its filename, the caller's key, or "the upload". */
function uploadName(input: AdmitInput): string {
  return input.filename ?? (input.ownsSource ? 'the upload' : input.sourceKey);
}

/**
 * Turns stored sources into planned, enqueued videos: probe, validate, split into shards, record,
 * add the flow. A refused file leaves nothing behind: no record, no jobs, and an upload is deleted.
 */
export class VideoIntake {
  constructor(
    private readonly deps: {
      store: ObjectStore;
      videos: VideoRepository;
      queues: PipelineQueues;
      probes: ProbePool;
      config: OrionConfig;
      logger: Logger;
    },
  ) {}

  newVideoId(): string {
    return randomUUID();
  }

  /**
   * Streams an upload straight into storage under a fresh video id. Until `admit` records it, the
   * stored file has no record; if the process dies meanwhile, the janitor removes it once it is older
   * than ORPHAN_MAX_AGE_SECONDS (workers/orphan-janitor.ts, docs/operations.md).
   */
  async stageUpload(file: Readable): Promise<{ videoId: string; key: string }> {
    const videoId = this.newVideoId();
    const key = videoKeys(videoId).source;
    await this.deps.store.put(key, file, { contentType: 'application/octet-stream' });
    return { videoId, key };
  }

  /** Deletes staged uploads of a request that is refused as a whole (e.g. one file over the size limit). */
  async discard(videoIds: string[]): Promise<void> {
    await Promise.all(videoIds.map((id) => this.deps.store.deletePrefix(videoKeys(id).root)));
  }

  /**
   * Admits one stored source. Whatever goes wrong, the file gets its own entry: a refusal with its
   * reason, or `ADMISSION_FAILED` for an unexpected error (logged); either way nothing of it is kept
   * (no record, no jobs, an upload deleted), so one file never sinks the others of its request.
   */
  async admit(input: AdmitInput): Promise<SubmittedItem> {
    const base = { filename: input.filename, ...(input.ownsSource ? {} : { key: input.sourceKey }) };
    try {
      const outcome = await this.tryAdmit(input);
      if ('error' in outcome) await this.discardRefused(input);
      return { ...base, ...outcome };
    } catch (err) {
      this.deps.logger.error({ err, videoId: input.videoId, filename: input.filename }, 'admission failed');
      await this.discardRefused(input).catch((cleanupErr: unknown) =>
        this.deps.logger.error(
          { err: cleanupErr, videoId: input.videoId },
          'cleanup after a failed admission failed',
        ),
      );
      return {
        ...base,
        error: {
          code: 'ADMISSION_FAILED',
          message: `${uploadName(input)}: could not be admitted because of a server error; nothing of it was kept, submit it again`,
        },
      };
    }
  }

  /** Deletes what a refused or failed admission may have left: its record and `videos/<id>/`. */
  private async discardRefused(input: AdmitInput): Promise<void> {
    const { store, videos } = this.deps;
    const record = await videos.get(input.videoId);
    if (record) await videos.delete(record);
    // Holds the upload (when Orion owns the source) and the manifest; a JSON source lives elsewhere.
    await store.deletePrefix(videoKeys(input.videoId).root);
  }

  private async tryAdmit(input: AdmitInput): Promise<Omit<SubmittedItem, 'filename' | 'key'>> {
    const { store, videos, queues, config, logger } = this.deps;
    const name = uploadName(input);
    const object = await store.head(input.sourceKey);
    if (!object) {
      return { error: { code: 'SOURCE_NOT_FOUND', message: `No object at key ${input.sourceKey}` } };
    }
    let probe;
    try {
      const location = await store.readLocation(input.sourceKey, 600);
      // Bounded and fair across tenants: unbounded ffprobe children stall the event loop (probe-pool.ts).
      probe = await this.deps.probes.run(input.tenantId, () =>
        probeMedia(location, { sizeBytes: object.size }),
      );
    } catch (err) {
      if (!(err instanceof InvalidMediaError)) throw err;
      logger.info({ filename: input.filename, reason: err.message }, 'refused an invalid video');
      // Named as the caller knows it (never by a store path): the filename, or the caller's own key.
      return { error: { code: 'INVALID_VIDEO', message: `${name}: ${err.message}` } };
    }
    const { maxVideoSeconds, maxShardsPerVideo } = config.pipeline;
    if (probe.durationSeconds > maxVideoSeconds) {
      logger.info({ filename: input.filename, duration: probe.durationSeconds }, 'refused a video too long');
      return {
        error: {
          code: 'VIDEO_TOO_LONG',
          message: `${name}: the video is ${formatSeconds(probe.durationSeconds)} long, longer than the limit of ${formatSeconds(maxVideoSeconds)}`,
        },
      };
    }

    const requested = input.options.shardSeconds ?? config.pipeline.shardSeconds;
    const shardSeconds = evenShardSeconds(
      probe.durationSeconds,
      fitShardSeconds(probe.durationSeconds, requested, maxShardsPerVideo),
    );
    const targetFps = input.options.targetFps ?? config.pipeline.targetFps;
    const shards = planShards(probe.durationSeconds, shardSeconds);
    const now = new Date().toISOString();
    const record: VideoRecord = {
      id: input.videoId,
      tenantId: input.tenantId,
      filename: input.filename,
      sourceKey: input.sourceKey,
      ownsSource: input.ownsSource,
      createdAt: now,
      updatedAt: now,
      state: 'queued',
      tags: input.options.tags ?? [],
      callbackUrl: input.options.callbackUrl,
      probe,
      plan: { shardSeconds, targetFps, shardCount: shards.length },
      runId: 'r1',
      // Re-id vectors where the embed stage makes them (people), the general embedding elsewhere.
      embedding: config.embedding.multimodal ? 'multimodal' : config.embedding.reid ? 'reid' : 'vision',
      association: config.association.mode,
      noise: config.association.noise,
      clustering: config.clustering,
    };
    // Record first, then jobs: a status poll never finds jobs without a record. A failure after this
    // point is undone by admit (record and stored files deleted); BullMQ adds a flow atomically.
    await videos.create(record);
    await store.put(videoKeys(record.id).manifest, JSON.stringify(record), {
      contentType: 'application/json',
    });
    await queues.flows.add(videoFlowOf(record, queues.prefix));
    logger.info(
      {
        videoId: record.id,
        shards: shards.length,
        shardSeconds,
        duration: probe.durationSeconds,
        claimedDuration: probe.claimedDurationSeconds,
      },
      'video queued',
    );
    return {
      id: record.id,
      state: 'queued',
      statusUrl: `/v1/videos/${record.id}`,
      shards: shards.length,
      shardSeconds,
    };
  }
}

/** Seconds for a message, with minutes or hours beside them when long: "36000 s (10 h)". */
function formatSeconds(seconds: number): string {
  const s = Math.round(seconds * 10) / 10;
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${s} s (${Math.round(s / 6) / 10} min)`;
  return `${s} s (${Math.round(s / 360) / 10} h)`;
}
