import { buildTracklets, xyxyToXywh, type TrackerOptionsInput } from '@orion/tracking';
import {
  ENTITIES_FORMAT,
  OBSERVATIONS_FORMAT,
  RESULTS_VERSION,
  encodeCentroids,
  videoKeys,
  type ClusterJobData,
  type EntitiesFile,
  type Logger,
  type ObjectStore,
  type Observation,
  type ObservationsFile,
} from '@orion/shared';
import { buildEntities, observationRecord, type Member } from './build-entities.js';
import { flagObservations } from './flags.js';
import { gatherVideo, type GatheredObservation } from './gather.js';
import { groupUnits } from './group.js';

export interface ClusterSummary {
  runId: string;
  observations: number;
  tracklets: number;
  entities: number;
  unassigned: number;
  flaggedObservations: number;
  likelyFalsePositives: number;
  timings: Record<string, number>;
}

/** HDBSCAN on tracklets merges fragments of one object: two tracklets are enough for a group. */
export const TRACKLET_CLUSTERING = { minClusterSize: 2, minSamples: 1 } as const;

interface Grouped {
  groups: Member[][];
  unassigned: Member[];
  trackletMembers: Map<number, Member[]>;
  trackletCount: number;
}

async function associateByTracklets(
  observations: GatheredObservation[],
  job: ClusterJobData,
  tracker: TrackerOptionsInput,
): Promise<Grouped> {
  const tracking = buildTracklets(
    observations.map((o) => ({
      id: o.id,
      frame: o.detection.frame,
      t: o.detection.t,
      box: xyxyToXywh(o.detection.box),
      label: o.detection.label,
      score: o.detection.score,
      embedding: o.embedding,
    })),
    tracker,
  );
  const grouping = await groupUnits(
    tracking.tracklets.map((t) => ({ embedding: t.embedding })),
    { ...job.params, ...TRACKLET_CLUSTERING },
    tracking.cannotLink,
  );
  const trackletMembers = new Map<number, Member[]>();
  observations.forEach((obs, i) => {
    const t = tracking.trackletOfIndex[i]!;
    const member: Member = {
      obs,
      tracklet: t,
      probability: grouping.labels[t]! >= 0 ? grouping.probabilities[t]! : 0,
    };
    (trackletMembers.get(t) ?? trackletMembers.set(t, []).get(t)!).push(member);
  });
  const byGroup = new Map<number, Member[]>();
  const groups: Member[][] = [];
  const unassigned: Member[] = [];
  for (const [t, members] of trackletMembers) {
    const g = grouping.labels[t]!;
    if (g >= 0) (byGroup.get(g) ?? byGroup.set(g, []).get(g)!).push(...members);
    // A tracklet left as noise is still one object; a lone detection follows the noise policy.
    else if (members.length > 1 || job.noise === 'singletons') groups.push(members);
    else unassigned.push(...members);
  }
  return {
    groups: [...byGroup.values(), ...groups],
    unassigned,
    trackletMembers,
    trackletCount: tracking.tracklets.length,
  };
}

async function associateByObservations(
  observations: GatheredObservation[],
  job: ClusterJobData,
): Promise<Grouped> {
  const grouping = await groupUnits(
    observations.map((o) => ({ embedding: o.embedding })),
    job.params,
  );
  const byGroup = new Map<number, Member[]>();
  const groups: Member[][] = [];
  const unassigned: Member[] = [];
  observations.forEach((obs, i) => {
    const g = grouping.labels[i]!;
    const member: Member = { obs, tracklet: null, probability: g >= 0 ? grouping.probabilities[i]! : 0 };
    if (g >= 0) (byGroup.get(g) ?? byGroup.set(g, []).get(g)!).push(member);
    else if (job.noise === 'singletons') groups.push([member]);
    else unassigned.push(member);
  });
  return {
    groups: [...byGroup.values(), ...groups],
    unassigned,
    trackletMembers: new Map(),
    trackletCount: 0,
  };
}

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
  const { observations, model } = await gatherVideo(deps.store, job.videoId, job.shardCount, job.embedding);
  lap('gatherMs', t);
  deps.onProgress?.({ stage: 'gathered', observations: observations.length });

  t = performance.now();
  const grouped =
    job.association === 'tracklets'
      ? await associateByTracklets(observations, job, deps.tracker ?? {})
      : await associateByObservations(observations, job);
  lap('associateMs', t);

  const entities = buildEntities(grouped.groups, model.dim);
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
      clustering: job.params,
      noise: job.noise,
    },
    embeddingModel: model,
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
  await deps.store.put(keys.observations, JSON.stringify(observationsFile), {
    contentType: 'application/json',
  });
  await deps.store.put(keys.entities, JSON.stringify(entitiesFile), { contentType: 'application/json' });
  return { runId: job.runId, ...counts, timings };
}
