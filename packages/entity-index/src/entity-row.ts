/** One row of a tenant's entity table: an entity of the current run of one video. */
export interface EntityRow {
  tenantId: string;
  videoId: string;
  runId: string;
  entityId: string;
  label: string;
  firstSeen: number;
  lastSeen: number;
  observationCount: number;
  flaggedObservations: number;
  likelyFalsePositive: boolean;
  /** The video's tags. */
  tags: string[];
  /** `backend/name` of the model the vector comes from: vectors of different models never compare. */
  embeddingModel: string;
  /** General embedding centroid (unit length); null when absent. */
  vector: number[] | null;
  /** `name@sha256-prefix` of the re-id model, or null: re-id vectors of different weights never compare. */
  reidModel: string | null;
  /** Re-id centroid (unit length) for classes the re-id model embeds (people); null otherwise. */
  reidVector: number[] | null;
}

/** A search hit: the row (without its vectors) and its cosine distance to the query (0 … 2). */
export type EntityHit = Omit<EntityRow, 'vector' | 'reidModel' | 'reidVector'> & { distance: number | null };
