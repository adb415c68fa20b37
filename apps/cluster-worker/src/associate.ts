import { buildTracklets, resolveTrackerOptions, xyxyToXywh, type TrackerOptionsInput } from '@orion/tracking';
import type { ClusterJobData } from '@orion/shared';
import type { Member } from './build-entities.js';
import type { GatheredObservation } from './gather.js';
import {
  REID_MAX_GROUP_DIAMETER,
  REID_MIN_SUPPORT,
  groupUnits,
  unitOf,
  type GroupOptions,
  type Unit,
} from './group.js';

/** What association needs of a clustering run. */
export type AssociationRun = Pick<ClusterJobData, 'association' | 'noise' | 'clustering'> & {
  tracker?: TrackerOptionsInput;
};

/** HDBSCAN on tracklets merges fragments of one object: two tracklets are enough for a group. */
export const TRACKLET_CLUSTERING = { minClusterSize: 2, minSamples: 1 } as const;

/** Observations grouped into would-be entities, with the tracklets behind them (tracklet mode). */
export interface Grouped {
  groups: Member[][];
  unassigned: Member[];
  trackletMembers: Map<number, Member[]>;
  trackletCount: number;
}

/** A video's gathered observations linked into tracklets (in their order: `trackletOfIndex[i]`). */
export function trackletsOf(observations: GatheredObservation[], tracker: TrackerOptionsInput = {}) {
  return buildTracklets(
    observations.map((o) => ({
      id: o.id,
      frame: o.detection.frame,
      t: o.detection.t,
      box: xyxyToXywh(o.detection.box),
      label: o.detection.label,
      score: o.detection.score,
      embedding: o.embedding,
      reid: o.reid ?? null,
    })),
    tracker,
  );
}

/** The units tracklet grouping clusters: each tracklet's vector, length and time span. */
export function trackletUnits(tracklets: ReturnType<typeof trackletsOf>['tracklets']): Unit[] {
  return tracklets.map((t) => ({
    ...unitOf(t.embedding, t.reid),
    support: t.detectionIds.length,
    span: [t.firstTime, t.lastTime] as const,
  }));
}

/**
 * How re-id groups are cut and fragments placed: short fragments join a tracklet within the
 * tracker's own reach (its coasting time and re-id gate), so no new distance is introduced.
 */
export function trackletGroupOptions(tracker: TrackerOptionsInput = {}): GroupOptions {
  const resolved = resolveTrackerOptions(tracker);
  return {
    reidMaxDiameter: REID_MAX_GROUP_DIAMETER,
    reidMinSupport: REID_MIN_SUPPORT,
    reidAttach: { maxGapSeconds: resolved.maxLostSeconds, maxDistance: resolved.reidMaxAppearanceDistance },
  };
}

async function associateByTracklets(
  observations: GatheredObservation[],
  job: AssociationRun,
  tracker: TrackerOptionsInput,
): Promise<Grouped> {
  const tracking = trackletsOf(observations, tracker);
  const grouping = await groupUnits(
    trackletUnits(tracking.tracklets),
    { ...job.clustering, ...TRACKLET_CLUSTERING },
    tracking.cannotLink,
    trackletGroupOptions(tracker),
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
  job: AssociationRun,
): Promise<Grouped> {
  const grouping = await groupUnits(
    observations.map((o) => unitOf(o.embedding, o.reid ?? null)),
    job.clustering,
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
 * Groups a whole video's observations as the run asks: tracklets then HDBSCAN on them, or HDBSCAN on
 * the observations alone. Pure computation (no store), shared by the cluster stage and the benchmark.
 */
export function associate(observations: GatheredObservation[], run: AssociationRun): Promise<Grouped> {
  return run.association === 'tracklets'
    ? associateByTracklets(observations, run, run.tracker ?? {})
    : associateByObservations(observations, run);
}
