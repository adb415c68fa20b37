import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  ENTITIES_FORMAT,
  RESULTS_VERSION,
  videoKeys,
  type CropToPack,
  type EntitiesFile,
  type Observation,
  type ObjectStore,
  type VideoRepository,
} from '@orion/shared';
import {
  STAND_IN_RUN_PARAMS,
  completedVideoRecord,
  putRunObservations,
  putShardCrops,
} from './stored-video.js';

/** What `storeFlaggedVideo` wrote: the flags a labelled export must hold, and the one it must skip. */
export interface FlaggedVideo {
  id: string;
  observations: Observation[];
  /** Observation id → the label an export gives it (null: no object, an image without boxes). */
  labelled: Map<string, string | null>;
  /** Flagged without a suggestion or a verdict: nothing to label it with. */
  unlabelled: string[];
}

const verified = (isMatch: boolean, verdict?: 'correct' | 'wrong-class' | 'no-object') => ({
  status: 'verified' as const,
  isMatch,
  probability: isMatch ? 0.9 : 0.05,
  similarity: null,
  confidence: 'high' as const,
  suggestedClass: 'bottle',
  suggestedProbability: 0.6,
  ...(verdict ? { verdict } : {}),
});

/**
 * A completed video of one tenant with a clustering run's observations and the crops of two shards, as
 * the workers store them: flags to another class (one box partly outside its crop), one judged to hold
 * no object, one with nothing to label it with, and unflagged detections.
 */
export async function storeFlaggedVideo(
  store: ObjectStore,
  videos: VideoRepository,
  tenantId: string,
): Promise<FlaggedVideo> {
  const id = randomUUID();
  const record = completedVideoRecord({
    id,
    tenantId,
    durationSeconds: 20,
    width: 640,
    height: 360,
    fps: 25,
    plan: { shardSeconds: 10, targetFps: 1, shardCount: 2 },
  });
  // [shard, detection, detector class, box, flag: suggested class | 'no-object' | 'unknown' | null]
  const rows: [number, number, string, Observation['box'], string | null][] = [
    [0, 0, 'cup', [100, 50, 200, 250], 'bottle'],
    [0, 1, 'person', [300, 40, 380, 300], null],
    [0, 2, 'cup', [20, 200, 60, 260], 'no-object'],
    [1, 0, 'cat', [560, 200, 660, 330], 'dog'],
    [1, 1, 'cup', [400, 100, 440, 160], 'unknown'],
    [1, 2, 'bottle', [10, 10, 50, 90], null],
  ];
  const observations: Observation[] = [];
  const packs = new Map<number, CropToPack[]>();
  for (const [shard, detection, label, box, target] of rows) {
    // The crop is the box plus 10 % each side, clipped to the frame, stored at half size.
    const [x1, y1, x2, y2] = box;
    const mx = (x2 - x1) * 0.1;
    const my = (y2 - y1) * 0.1;
    const left = Math.max(0, Math.floor(x1 - mx));
    const top = Math.max(0, Math.floor(y1 - my));
    const region: CropToPack['region'] = [
      left,
      top,
      Math.min(640, Math.ceil(x2 + mx)) - left,
      Math.min(360, Math.ceil(y2 + my)) - top,
    ];
    const width = Math.round(region[2] / 2);
    const height = Math.round(region[3] / 2);
    const jpeg = await sharp({
      create: { width, height, channels: 3, background: { r: 40 * detection, g: 90, b: 60 * shard } },
    })
      .jpeg()
      .toBuffer();
    (packs.get(shard) ?? packs.set(shard, []).get(shard)!).push({
      detection,
      frame: detection,
      region,
      jpeg,
      width,
      height,
    });
    const flag =
      target === null
        ? null
        : {
            reasons: ['verification' as const],
            suggestedClass: target === 'no-object' || target === 'unknown' ? null : target,
            evidence: { detectorScore: 0.5 },
          };
    observations.push({
      id: `${shard}:${detection}`,
      shard,
      detection,
      frame: detection,
      t: shard * 10 + detection,
      box,
      label,
      score: 0.5,
      entity: 'e1',
      tracklet: null,
      probability: 0,
      verification:
        target === null
          ? verified(true, 'correct')
          : target === 'no-object'
            ? verified(false, 'no-object')
            : target === 'unknown'
              ? verified(false)
              : verified(false, 'wrong-class'),
      flag,
    });
  }
  await videos.create(record);
  for (const [shard, crops] of packs) await putShardCrops(store, id, shard, crops);
  await putRunObservations(store, id, 'r1', observations);
  const entities: EntitiesFile = {
    format: ENTITIES_FORMAT,
    version: RESULTS_VERSION,
    videoId: id,
    runId: 'r1',
    createdAt: record.createdAt,
    params: STAND_IN_RUN_PARAMS,
    embeddingModel: { backend: 'vision', name: 'test', dim: 3 },
    counts: {
      observations: observations.length,
      entities: 1,
      tracklets: 0,
      unassigned: 0,
      flaggedObservations: observations.filter((o) => o.flag).length,
      likelyFalsePositives: 0,
    },
    timings: {},
    entities: [
      {
        id: 'e1',
        label: 'cup',
        classDistribution: Object.fromEntries(
          [...new Set(observations.map((o) => o.label))].map((l) => [
            l,
            observations.filter((o) => o.label === l).length,
          ]),
        ),
        observationCount: observations.length,
        trackletCount: 0,
        firstSeen: 0,
        lastSeen: 12,
        representative: '0:1',
        meanProbability: 1,
        flaggedObservations: observations.filter((o) => o.flag).length,
        likelyFalsePositive: false,
        centroidRow: 0,
      },
    ],
  };
  await store.put(videoKeys(id).run('r1').entities, JSON.stringify(entities));
  const labelled = new Map<string, string | null>();
  const unlabelled: string[] = [];
  for (const [shard, detection, , , target] of rows) {
    const oid = `${shard}:${detection}`;
    if (target === 'unknown') unlabelled.push(oid);
    else if (target === 'no-object') labelled.set(oid, null);
    else if (target !== null) labelled.set(oid, target);
  }
  return { id, observations, labelled, unlabelled };
}
