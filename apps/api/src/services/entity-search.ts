import {
  readCentroids,
  readEntities,
  type EntitiesFile,
  type Logger,
  type ObjectStore,
  type OrionConfig,
  type VideoRecord,
  type VideoRepository,
} from '@orion/shared';
import { COCO_LABELS, createEmbeddingModel, type EmbeddingModel } from '@orion/embeddings';
import { badRequest, notFound } from '../errors.js';
import { ownVideo } from './own-video.js';

export interface SearchQuery {
  text?: string;
  entity?: { videoId: string; entityId: string };
  videoIds?: string[];
  labels?: string[];
  limit?: number;
}

export interface SearchHit {
  videoId: string;
  entityId: string;
  label: string;
  score: number;
  observationCount: number;
  firstSeen: number;
  lastSeen: number;
  thumbnailUrl: string;
}

export type SearchMethod = 'clip-text' | 'label-match' | 'entity-centroid';

const MAX_VIDEOS = 500;

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

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

/**
 * Ranks the entities of a tenant's processed videos: by the cosine of their centroid to a text
 * embedding (clip backend), to another entity's centroid (any backend), or — the vision backend has
 * no text encoder — by how much of each entity carries a COCO label named in the query.
 */
export class EntitySearch {
  private textModel?: Promise<EmbeddingModel>;

  constructor(
    private readonly deps: {
      store: ObjectStore;
      videos: VideoRepository;
      config: OrionConfig;
      logger: Logger;
    },
  ) {}

  private async candidates(tenantId: string, videoIds?: string[]): Promise<VideoRecord[]> {
    if (videoIds) {
      return Promise.all(videoIds.map((id) => ownVideo(this.deps.videos, id, tenantId)));
    }
    return (await this.deps.videos.listForTenant(tenantId, { limit: MAX_VIDEOS, state: 'completed' }))
      .records;
  }

  private async load(record: VideoRecord): Promise<EntitiesFile | undefined> {
    try {
      return await readEntities(this.deps.store, record.id, record.runId);
    } catch {
      return undefined; // not processed (yet): nothing to search in it
    }
  }

  private model(): Promise<EmbeddingModel> {
    const { config } = this.deps;
    this.textModel ??= createEmbeddingModel({
      backend: config.embedding.model,
      model: config.embedding.clipModel,
      modelsDir: config.modelsDir,
      executionProvider: 'cpu',
      logger: this.deps.logger,
    });
    return this.textModel;
  }

  async search(
    tenantId: string,
    q: SearchQuery,
  ): Promise<{ method: SearchMethod; labels?: string[]; results: SearchHit[] }> {
    if ((q.text === undefined) === (q.entity === undefined))
      throw badRequest('give either text or entity, not both');
    const limit = q.limit ?? 20;
    const videos = await this.candidates(tenantId, q.videoIds);
    const files = (await Promise.all(videos.map(async (v) => ({ v, f: await this.load(v) })))).filter(
      (x) => x.f,
    );

    let method: SearchMethod;
    let matched: string[] | undefined;
    let scoreOf: (video: VideoRecord, file: EntitiesFile) => Promise<(number | null)[]>;

    if (q.entity) {
      const ref = await ownVideo(this.deps.videos, q.entity.videoId, tenantId);
      const refFile = await this.load(ref);
      const refEntity = refFile?.entities.find((e) => e.id === q.entity!.entityId);
      if (!refFile || !refEntity) throw notFound(`No entity ${q.entity.entityId} in video ${ref.id}`);
      const refVector = (await readCentroids(this.deps.store, ref.id, ref.runId, refFile.embeddingModel.dim))[
        refEntity.centroidRow
      ]!;
      method = 'entity-centroid';
      scoreOf = async (video, file) => {
        // Vectors of another model are not comparable.
        if (
          file.embeddingModel.name !== refFile.embeddingModel.name ||
          file.embeddingModel.dim !== refFile.embeddingModel.dim
        ) {
          return file.entities.map(() => null);
        }
        const rows = await readCentroids(this.deps.store, video.id, video.runId, file.embeddingModel.dim);
        return file.entities.map((e) =>
          video.id === ref.id && e.id === refEntity.id ? null : cosine(refVector, rows[e.centroidRow]!),
        );
      };
    } else if (this.deps.config.embedding.model === 'clip') {
      const model = await this.model();
      const textVector = await model.encodeText(q.text!);
      method = 'clip-text';
      scoreOf = async (video, file) => {
        if (file.embeddingModel.backend !== 'clip' || file.embeddingModel.dim !== textVector.length) {
          return file.entities.map(() => null);
        }
        const rows = await readCentroids(this.deps.store, video.id, video.runId, file.embeddingModel.dim);
        return file.entities.map((e) => cosine(textVector, rows[e.centroidRow]!));
      };
    } else {
      matched = labelsInText(q.text!);
      if (matched.length === 0) {
        throw badRequest(
          `the vision backend answers text queries through the COCO labels, and "${q.text}" names none (e.g. "a red bottle", "person with a dog")`,
        );
      }
      method = 'label-match';
      const wanted = matched;
      scoreOf = async (_video, file) =>
        file.entities.map((e) => {
          const share = wanted.reduce((s, l) => s + (e.classDistribution[l] ?? 0), 0) / e.observationCount;
          return share > 0 ? share : null;
        });
    }

    const hits: SearchHit[] = [];
    for (const { v, f } of files) {
      const scores = await scoreOf(v, f!);
      f!.entities.forEach((e, i) => {
        const score = scores[i];
        if (score === null || score === undefined) return;
        if (q.labels && !q.labels.includes(e.label)) return;
        hits.push({
          videoId: v.id,
          entityId: e.id,
          label: e.label,
          score: Number(score.toFixed(6)),
          observationCount: e.observationCount,
          firstSeen: e.firstSeen,
          lastSeen: e.lastSeen,
          thumbnailUrl: `/v1/videos/${v.id}/entities/${e.id}/thumbnail`,
        });
      });
    }
    hits.sort((a, b) => b.score - a.score || b.observationCount - a.observationCount);
    return { method, ...(matched ? { labels: matched } : {}), results: hits.slice(0, limit) };
  }
}
