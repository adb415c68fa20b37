import {
  parseEmbeddingsIndex,
  shardReid,
  readShardDetections,
  unpackEmbeddings,
  videoKeys,
  type Detection,
  type ClusterEmbedding,
  type ObjectStore,
  type StoredVerification,
} from '@orion/shared';

/** One detection of the video with what the embed stage added to it. */
export interface GatheredObservation {
  /** `{shard}:{detection}`. */
  id: string;
  shard: number;
  detection: Detection;
  verification: StoredVerification | null;
  /** The embedding chosen for clustering (vision or multimodal); null when the crop had none. */
  embedding: Float32Array | null;
  /** The re-id vector (for classes the re-id model embeds, e.g. person); null for others and old shards. */
  reid?: Float32Array | null;
}

export interface GatheredVideo {
  observations: GatheredObservation[];
  model: { backend: string; name: string; dim: number };
  /** The re-id model of the vectors in `reid` (the first shard that has any); absent when none has. */
  reidModel?: { name: string; sha256: string; dim: number };
}

/**
 * Reads every shard's detections and embeddings (a few requests per shard) and joins them by
 * detection id. A shard without embeddings for the asked kind is an error: the run cannot be honest.
 * With `reid`, re-id vectors come along where the shard has them; shards without any (old ones, or
 * REID_MODEL=none) give the vision embedding alone, as a `vision` run would.
 */
export async function gatherVideo(
  store: ObjectStore,
  videoId: string,
  shardCount: number,
  embedding: ClusterEmbedding,
): Promise<GatheredVideo> {
  // `reid`: the vision embedding for every crop, and the re-id vectors where a shard has them.
  const kind = embedding === 'reid' ? 'vision' : embedding;
  const observations: GatheredObservation[] = [];
  let model: GatheredVideo['model'] | undefined;
  let reidModel: GatheredVideo['reidModel'];
  for (let shard = 0; shard < shardCount; shard++) {
    const keys = videoKeys(videoId).shard(shard);
    const [detections, indexRaw, bin] = await Promise.all([
      readShardDetections(store, videoId, shard),
      store.get(keys.embeddingsIndex),
      store.get(keys.embeddings),
    ]);
    const index = parseEmbeddingsIndex(indexRaw, keys.embeddingsIndex);
    const embeddings = unpackEmbeddings(index, bin, keys.embeddings);
    const reid = embedding === 'reid' ? shardReid(index, bin, keys.embeddings) : null;
    if (!embeddings.has(kind)) {
      throw new Error(
        `shard ${shard} has no ${kind} embeddings (was USE_MULTIMODAL_EMBEDDINGS on when it was embedded?)`,
      );
    }
    model ??= { backend: index.model.backend, name: index.model.name, dim: index.dim };
    if (reid) reidModel ??= { name: reid.model.name, sha256: reid.model.sha256, dim: reid.dim };
    const rowOf = new Map(index.observations.map((o, row) => [o.detection, row]));
    for (const detection of detections.detections) {
      const row = rowOf.get(detection.id);
      observations.push({
        id: `${shard}:${detection.id}`,
        shard,
        detection,
        verification: row === undefined ? null : (index.observations[row]!.verification ?? null),
        embedding: row === undefined ? null : embeddings.row(kind, row),
        reid: row === undefined ? null : (reid?.vector(row) ?? null),
      });
    }
  }
  return {
    observations,
    model: model ?? { backend: 'none', name: 'none', dim: 1 },
    ...(reidModel ? { reidModel } : {}),
  };
}
