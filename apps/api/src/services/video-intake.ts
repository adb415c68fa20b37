import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  InvalidMediaError,
  buildVideoFlow,
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
      config: OrionConfig;
      logger: Logger;
    },
  ) {}

  newVideoId(): string {
    return randomUUID();
  }

  /** Streams an upload straight into storage under a fresh video id. */
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

  async admit(input: AdmitInput): Promise<SubmittedItem> {
    const { store, videos, queues, config, logger } = this.deps;
    const base = { filename: input.filename, ...(input.ownsSource ? {} : { key: input.sourceKey }) };
    let probe;
    try {
      if (!(await store.head(input.sourceKey))) {
        return {
          ...base,
          error: { code: 'SOURCE_NOT_FOUND', message: `No object at key ${input.sourceKey}` },
        };
      }
      probe = await probeMedia(await store.readLocation(input.sourceKey, 600));
    } catch (err) {
      if (!(err instanceof InvalidMediaError)) throw err;
      if (input.ownsSource) await store.deletePrefix(videoKeys(input.videoId).root);
      logger.info({ filename: input.filename, reason: err.message }, 'refused an invalid video');
      return {
        ...base,
        // Named as the caller knows it (never by a store path): the filename, or the caller's own key.
        error: { code: 'INVALID_VIDEO', message: `${uploadName(input)}: ${err.message}` },
      };
    }

    const shardSeconds = input.options.shardSeconds ?? config.pipeline.shardSeconds;
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
      embedding: config.embedding.multimodal ? 'multimodal' : 'vision',
      association: config.association.mode,
      noise: config.association.noise,
      clustering: config.clustering,
    };
    // Record first, then jobs: a status poll never finds jobs without a record.
    await videos.create(record);
    try {
      await store.put(videoKeys(record.id).manifest, JSON.stringify(record), {
        contentType: 'application/json',
      });
      await queues.flows.add(
        buildVideoFlow({
          videoId: record.id,
          tenantId: record.tenantId,
          sourceKey: record.sourceKey,
          shards,
          targetFps,
          runId: record.runId,
          embedding: record.embedding,
          association: record.association,
          noise: record.noise,
          clustering: record.clustering,
          prefix: queues.prefix,
        }),
      );
    } catch (err) {
      // Half an admission is worse than none: the caller gets a 500 and can retry cleanly.
      await videos.delete(record);
      throw err;
    }
    logger.info(
      { videoId: record.id, shards: shards.length, duration: probe.durationSeconds },
      'video queued',
    );
    return {
      ...base,
      id: record.id,
      state: 'queued',
      statusUrl: `/v1/videos/${record.id}`,
      shards: shards.length,
    };
  }
}
