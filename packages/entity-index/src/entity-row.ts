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
}

/** A search hit: the row (without its vector) and its cosine distance to the query (0 … 2). */
export type EntityHit = Omit<EntityRow, 'vector'> & { distance: number | null };
