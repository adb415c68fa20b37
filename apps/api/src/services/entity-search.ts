import { scoreOfDistance, type EntityFilter, type EntityHit, type EntityIndex } from '@orion/entity-index';
import type { Logger, OrionConfig, VideoRepository } from '@orion/shared';
import type { SearchBody, SearchHit, SearchImageQuery, SearchMethod, SearchResults } from '@orion/shared/api';
import { COCO_LABELS, createEmbeddingModel, type EmbeddingModel } from '@orion/embeddings';
import { badRequest, conflict, notFound } from '../errors.js';
import { ownVideo } from './own-video.js';

/** COCO labels named in a free-text query, longest first ("cell phone" before "phone"); plurals too. */
export function labelsInText(text: string): string[] {
  const q = ` ${text
    .toLowerCase()
    .replace(/[^a-z ]+/g, ' ')
    .replace(/\s+/g, ' ')} `;
  const found: string[] = [];
  for (const label of [...COCO_LABELS].sort((a, b) => b.length - a.length)) {
    if (found.some((f) => f.includes(label))) continue;
    if (q.includes(` ${label} `) || q.includes(` ${label}s `) || q.includes(` ${label}es `))
      found.push(label);
  }
  return found;
}

/** Cosine distance (0 … 2) → a score in [0, 1] that means the same for every vector query. */

/** The filters of a request, as the index pushes them down into its query. */
function filterOf(q: SearchImageQuery): EntityFilter {
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
    throw badRequest(`from (${q.from}) is after to (${q.to})`);
  }
  return {
    ...(q.videoIds ? { videoIds: q.videoIds } : {}),
    ...(q.labels ? { labels: q.labels } : {}),
    ...(q.tags ? { tags: q.tags } : {}),
    ...(q.from !== undefined || q.to !== undefined ? { timeRange: { from: q.from, to: q.to } } : {}),
    ...(q.flagged !== undefined ? { flagged: q.flagged } : {}),
    ...(q.likelyFalsePositive !== undefined ? { likelyFalsePositive: q.likelyFalsePositive } : {}),
  };
}

/**
 * Search over the tenant's entity index (all of its videos, one LanceDB table): nearest rows to a
 * text embedding (clip backend), to another entity's vector, or to an uploaded image embedded like a
 * crop; or the rows of a label. Filters go into the index query; vectors are compared only with
 * rows of the same embedding model.
 */
export class EntitySearch {
  private model?: Promise<EmbeddingModel>;

  constructor(
    private readonly deps: {
      entityIndex: EntityIndex;
      videos: VideoRepository;
      config: OrionConfig;
      logger: Logger;
    },
  ) {}

  /** The current embedding model (the one new crops are embedded with), loaded on first use. */
  private embedder(): Promise<EmbeddingModel> {
    const { config } = this.deps;
    this.model ??= createEmbeddingModel({
      backend: config.embedding.model,
      model: config.embedding.clipModel,
      modelsDir: config.modelsDir,
      executionProvider: 'cpu',
      logger: this.deps.logger,
    });
    // A model that failed to load is tried again by the next search.
    this.model.catch(() => (this.model = undefined));
    return this.model;
  }

  async search(tenantId: string, q: SearchBody): Promise<SearchResults> {
    const given = (['text', 'label', 'entity'] as const).filter((k) => q[k] !== undefined);
    if (given.length !== 1) {
      throw badRequest(
        given.length
          ? `give one of text, label or entity, not ${given.join(' and ')}`
          : 'give one of text, label or entity (or upload an image as multipart/form-data)',
      );
    }
    const filter = filterOf(q);
    if (q.videoIds) await Promise.all(q.videoIds.map((id) => ownVideo(this.deps.videos, id, tenantId)));

    if (q.entity) {
      const { videoId, entityId } = q.entity;
      await ownVideo(this.deps.videos, videoId, tenantId);
      const ref = await this.deps.entityIndex.entity(tenantId, videoId, entityId);
      if (!ref) throw notFound(`No entity ${entityId} in the index of video ${videoId}`);
      if (!ref.vector) throw conflict(`entity ${entityId} of video ${videoId} has no embedding to compare`);
      return this.byVector(tenantId, 'entity-centroid', ref.vector, q, {
        ...filter,
        embeddingModel: ref.hit.embeddingModel,
        exclude: [{ videoId, entityId }],
      });
    }
    if (q.label !== undefined) {
      return this.byLabels(tenantId, 'label', [q.label], q, filter);
    }
    if (this.deps.config.embedding.model === 'clip') {
      const model = await this.embedder();
      const vector = await model.encodeText(q.text!);
      return this.byVector(tenantId, 'clip-text', vector, q, {
        ...filter,
        embeddingModel: `${model.backend}/${model.name}`,
      });
    }
    const labels = labelsInText(q.text!);
    if (labels.length === 0) {
      throw badRequest(
        `text: free-text search needs the clip embedding backend (EMBEDDING_MODEL=clip); the vision backend answers text through the COCO labels, and "${q.text}" names none (e.g. "a red bottle", "person with a dog"); or search by label`,
      );
    }
    return { ...(await this.byLabels(tenantId, 'label-match', labels, q, filter)), labels };
  }

  /** Entities like an uploaded image, embedded as the embed stage embeds a crop. */
  async searchImage(tenantId: string, image: Buffer, q: SearchImageQuery): Promise<SearchResults> {
    const filter = filterOf(q);
    if (q.videoIds) await Promise.all(q.videoIds.map((id) => ownVideo(this.deps.videos, id, tenantId)));
    const model = await this.embedder();
    let vector: Float32Array;
    try {
      vector = await model.encodeImage(image);
    } catch (err) {
      throw badRequest(`image: not a readable image (${(err as Error).message})`);
    }
    return this.byVector(tenantId, 'image', vector, q, {
      ...filter,
      embeddingModel: `${model.backend}/${model.name}`,
    });
  }

  private async byVector(
    tenantId: string,
    method: SearchMethod,
    vector: ArrayLike<number>,
    q: SearchImageQuery,
    filter: EntityFilter,
  ): Promise<SearchResults> {
    const limit = q.limit ?? 20;
    const offset = q.offset ?? 0;
    const rows = await this.deps.entityIndex.search(tenantId, {
      vector: Array.from(vector),
      // No `hasVector`: a vector search skips rows without one, and IS NOT NULL has no index to use.
      filter,
      limit,
      offset,
    });
    return this.page(method, rows, limit, offset, q.minScore, (r) => scoreOfDistance(r.distance ?? 2));
  }

  /** Rows of some labels, in index order: an exact label match scores 1. */
  private async byLabels(
    tenantId: string,
    method: SearchMethod,
    labels: string[],
    q: SearchImageQuery,
    filter: EntityFilter,
  ): Promise<SearchResults> {
    const limit = q.limit ?? 20;
    const offset = q.offset ?? 0;
    const wanted = filter.labels ? labels.filter((l) => filter.labels!.includes(l)) : labels;
    const rows = await this.deps.entityIndex.search(tenantId, {
      filter: { ...filter, labels: wanted },
      limit,
      offset,
    });
    return this.page(method, rows, limit, offset, q.minScore, () => 1);
  }

  private page(
    method: SearchMethod,
    rows: EntityHit[],
    limit: number,
    offset: number,
    minScore: number | undefined,
    scoreOf: (r: EntityHit) => number,
  ): SearchResults {
    const results: SearchHit[] = [];
    for (const r of rows) {
      const score = Number(scoreOf(r).toFixed(6));
      // Hits come best first: the first below the cut ends the list, and the paging with it.
      if (minScore !== undefined && score < minScore) {
        return { method, results };
      }
      results.push({
        videoId: r.videoId,
        entityId: r.entityId,
        label: r.label,
        score,
        observationCount: r.observationCount,
        flaggedObservations: r.flaggedObservations,
        likelyFalsePositive: r.likelyFalsePositive,
        firstSeen: r.firstSeen,
        lastSeen: r.lastSeen,
        tags: r.tags,
        thumbnailUrl: `/v1/videos/${r.videoId}/entities/${r.entityId}/thumbnail`,
      });
    }
    return { method, results, ...(rows.length === limit ? { nextOffset: offset + limit } : {}) };
  }
}
