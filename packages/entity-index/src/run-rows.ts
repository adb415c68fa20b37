import {
  readCentroids,
  readEntities,
  readReidCentroids,
  type EntitiesFile,
  type ObjectStore,
} from '@orion/shared';
import type { EntityRow } from './entity-row.js';

/** The video a run belongs to, as the index needs it. */
export interface IndexedVideo {
  id: string;
  tenantId: string;
  tags: string[];
}

/** Names a re-id model by its weights: two exports of one name are not comparable. */
export function reidModelId(model: { name: string; sha256: string }): string {
  return `${model.name}@${model.sha256.slice(0, 12)}`;
}

/** The index rows of a run's stored results (entities.json, centroids.bin, reid-centroids.bin). */
export function rowsOfRun(
  video: IndexedVideo,
  file: EntitiesFile,
  centroids: Float32Array[],
  reidCentroids: (Float32Array | null)[] = [],
): EntityRow[] {
  const model = `${file.embeddingModel.backend}/${file.embeddingModel.name}`;
  const reidModel = file.reidModel ? reidModelId(file.reidModel) : null;
  return file.entities.map((e) => {
    const reid = reidCentroids[e.centroidRow] ?? null;
    const c = centroids[e.centroidRow];
    // An all-zero centroid (no member had an embedding) points nowhere: no vector.
    const vector = c && c.some((v) => v !== 0) ? Array.from(c) : null;
    return {
      tenantId: video.tenantId,
      videoId: video.id,
      runId: file.runId,
      entityId: e.id,
      label: e.label,
      firstSeen: e.firstSeen,
      lastSeen: e.lastSeen,
      observationCount: e.observationCount,
      flaggedObservations: e.flaggedObservations,
      likelyFalsePositive: e.likelyFalsePositive,
      tags: video.tags,
      embeddingModel: model,
      vector,
      reidModel: reid ? reidModel : null,
      reidVector: reid ? Array.from(reid) : null,
    };
  });
}

/** Reads a run's results from the store: its rows, and the width of its embeddings. */
export async function readRunRows(
  store: ObjectStore,
  video: IndexedVideo,
  runId: string,
): Promise<{ rows: EntityRow[]; dim: number }> {
  const file = await readEntities(store, video.id, runId);
  const centroids = await readCentroids(store, video.id, runId, file.embeddingModel.dim);
  const reid = await readReidCentroids(store, file);
  return { rows: rowsOfRun(video, file, centroids, reid), dim: file.embeddingModel.dim };
}
