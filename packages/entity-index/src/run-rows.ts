import { readCentroids, readEntities, type EntitiesFile, type ObjectStore } from '@orion/shared';
import type { EntityRow } from './entity-row.js';

/** The video a run belongs to, as the index needs it. */
export interface IndexedVideo {
  id: string;
  tenantId: string;
  tags: string[];
}

/** The index rows of a run's stored results (entities.json and centroids.bin). */
export function rowsOfRun(video: IndexedVideo, file: EntitiesFile, centroids: Float32Array[]): EntityRow[] {
  const model = `${file.embeddingModel.backend}/${file.embeddingModel.name}`;
  return file.entities.map((e) => {
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
  return { rows: rowsOfRun(video, file, centroids), dim: file.embeddingModel.dim };
}
