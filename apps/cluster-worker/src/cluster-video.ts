import type { TrackerOptionsInput } from '@orion/tracking';
import {
  ENTITIES_FORMAT,
  OBSERVATIONS_FORMAT,
  RESULTS_VERSION,
  encodeCentroids,
  videoKeys,
  type ClusterJobData,
  type ClusterSummary,
  type EntitiesFile,
  type Logger,
  type ObjectStore,
  type Observation,
  type ObservationsFile,
} from '@orion/shared';
import { associate } from './associate.js';
import { buildEntities, observationRecord } from './build-entities.js';
import { flagObservations } from './flags.js';
import { gatherVideo } from './gather.js';

/**
 * The cluster stage for one run of a video: gather every shard, associate (tracklets, then HDBSCAN on
 * them; or HDBSCAN on observations), build entities, flag likely misclassifications, and write the
 * run's results. The run's files are written before `current.json` would name them (the API's
 * finalize step switches runs), so readers never see half a run.
 */
export async function clusterVideo(
  job: ClusterJobData,
  deps: {
    store: ObjectStore;
    logger: Logger;
    tracker?: TrackerOptionsInput;
    onProgress?: (p: object) => void;
  },
): Promise<ClusterSummary> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = Math.round(performance.now() - since));

  let t = performance.now();
  const { observations, model, reidModel } = await gatherVideo(
    deps.store,
    job.videoId,
    job.shardCount,
    job.embedding,
  );
  lap('gatherMs', t);
  deps.onProgress?.({ stage: 'gathered', observations: observations.length });

  t = performance.now();
  const grouped = await associate(observations, { ...job, tracker: deps.tracker });
  lap('associateMs', t);

  const entities = buildEntities(grouped.groups, model.dim, reidModel?.dim ?? 0);
  const { flags, falsePositives } = flagObservations(entities, grouped.trackletMembers);

  const records: Observation[] = [];
  const entityFlags = new Map<string, number>();
  for (const { entity, members } of entities) {
    for (const m of members) {
      const flag = flags.get(m.obs.id) ?? null;
      if (flag) entityFlags.set(entity.id, (entityFlags.get(entity.id) ?? 0) + 1);
      records.push(observationRecord(m, entity.id, flag));
    }
  }
  for (const m of grouped.unassigned) records.push(observationRecord(m, null, flags.get(m.obs.id) ?? null));
  records.sort((a, b) => a.shard - b.shard || a.detection - b.detection);

  const flagged = records.filter((r) => r.flag);
  if (flagged.length) {
    deps.logger.warn(
      {
        videoId: job.videoId,
        runId: job.runId,
        observations: flagged.slice(0, 50).map((r) => r.id),
        count: flagged.length,
      },
      'Potential misclassification',
    );
  }
  lap('totalMs', started);

  const counts = {
    observations: records.length,
    entities: entities.length,
    tracklets: grouped.trackletCount,
    unassigned: grouped.unassigned.length,
    flaggedObservations: flagged.length,
    likelyFalsePositives: falsePositives.size,
  };
  const entitiesFile: EntitiesFile = {
    format: ENTITIES_FORMAT,
    version: RESULTS_VERSION,
    videoId: job.videoId,
    runId: job.runId,
    createdAt: new Date().toISOString(),
    params: {
      embedding: job.embedding,
      association: job.association,
      clustering: job.clustering,
      noise: job.noise,
    },
    embeddingModel: model,
    ...(reidModel ? { reidModel } : {}),
    counts,
    timings,
    entities: entities.map(({ entity }) => ({
      ...entity,
      flaggedObservations: entityFlags.get(entity.id) ?? 0,
      likelyFalsePositive: falsePositives.has(entity.id),
    })),
  };
  const observationsFile: ObservationsFile = {
    format: OBSERVATIONS_FORMAT,
    version: RESULTS_VERSION,
    videoId: job.videoId,
    runId: job.runId,
    observations: records,
  };
  const keys = videoKeys(job.videoId).run(job.runId);
  await deps.store.put(keys.centroids, encodeCentroids(entities.map((e) => e.centroid)));
  if (reidModel) {
    await deps.store.put(keys.reidCentroids, encodeCentroids(entities.map((e) => e.reidCentroid)));
  }
  await deps.store.put(keys.observations, JSON.stringify(observationsFile), {
    contentType: 'application/json',
  });
  await deps.store.put(keys.entities, JSON.stringify(entitiesFile), { contentType: 'application/json' });
  return { runId: job.runId, ...counts, timings };
}
