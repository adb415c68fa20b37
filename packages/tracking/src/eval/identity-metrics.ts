import type { BoxXywh } from '../box.js';
import { adjustedRandIndex } from './adjusted-rand-index.js';
import { matchFrame } from './match-frame.js';
import type { MotGroundTruth } from './mot-ground-truth.js';
import { ratio } from './ratio.js';

/** One predicted observation: where it was and which entity (or tracklet) it was given. */
export interface EvalObservation {
  /** 0-based source video frame (see `sourceFrameAt` to get it from a sample time). */
  frame: number;
  box: BoxXywh;
  /** The entity it belongs to; null for noise (no entity). */
  entity: string | number | null;
}

export interface IdentityEvalOptions {
  /** Minimum IoU of a match (default 0.5). */
  minIou?: number;
  /**
   * The video frames that were looked at (the sampled ones). Default: every frame with a
   * ground-truth row or an observation. Give them when the video was sampled below its frame rate,
   * or ground truth of frames never looked at counts as missed.
   */
  frames?: Iterable<number>;
}

export interface IdentityEvaluation {
  /** Frames evaluated. */
  frames: number;
  /** Ground-truth boxes in those frames (ignored rows excluded). */
  groundTruthBoxes: number;
  /** Observations in those frames, less those on ignored boxes. */
  observations: number;
  /** Observations on ignored ground truth (flag 0): neither right nor wrong. */
  ignoredObservations: number;
  /** Observation–ground-truth pairs at IoU ≥ minIou. */
  matched: number;
  /** matched / groundTruthBoxes. */
  recall: number;
  /** matched / observations. */
  precision: number;
  /** Distinct entities among the evaluated observations (noise not counted). */
  entities: number;
  /** Distinct ground-truth identities in the evaluated frames. */
  identities: number;
  /**
   * Adjusted Rand index of the matched observations: entity vs ground-truth identity, each noise
   * observation its own singleton.
   */
  ari: number;
  /**
   * Matched observations with an entity: the share whose identity is their entity's most frequent
   * one (1 = no entity mixes identities).
   */
  purity: number;
  /** Share of matched observations that are noise. */
  noiseFraction: number;
  /** Identities with a matched observation that is in an entity; of those, the ones spread over ≥ 2 entities. */
  identitiesFound: number;
  splitIdentities: number;
  splitIdentityFraction: number;
  /** Entities with a matched observation; of those, the ones holding ≥ 2 identities. */
  entitiesMatched: number;
  mergingEntities: number;
  mergingEntityFraction: number;
  /** Per input observation: the matched ground-truth identity, or null (unmatched, ignored or outside the frames). */
  matchedIdentity: (number | null)[];
}

/**
 * Scores how well observations grouped into entities (or tracklets) recover the ground-truth
 * identities: observations are matched to ground-truth boxes per frame (IoU ≥ 0.5, optimal
 * assignment), then the matched ones are compared as two partitions. Pure: no I/O, inputs untouched.
 */
export function evaluateIdentities(
  truth: MotGroundTruth,
  observations: readonly EvalObservation[],
  options: IdentityEvalOptions = {},
): IdentityEvaluation {
  const minIou = options.minIou ?? 0.5;
  if (!(minIou > 0 && minIou <= 1)) throw new RangeError(`minIou must be in (0, 1], got ${minIou}`);
  const frames = new Set<number>(
    options.frames ?? [...truth.frames.keys(), ...truth.ignored.keys(), ...observations.map((o) => o.frame)],
  );

  const byFrame = new Map<number, number[]>();
  observations.forEach((o, i) => {
    if (!frames.has(o.frame)) return;
    const list = byFrame.get(o.frame);
    if (list) list.push(i);
    else byFrame.set(o.frame, [i]);
  });

  const matchedIdentity: (number | null)[] = observations.map(() => null);
  let groundTruthBoxes = 0;
  let evaluated = 0;
  let ignoredObservations = 0;
  let matched = 0;
  const identities = new Set<number>();
  const entities = new Set<string | number>();
  for (const frame of frames) {
    const gt = truth.frames.get(frame) ?? [];
    groundTruthBoxes += gt.length;
    for (const g of gt) identities.add(g.id);
    const obs = byFrame.get(frame) ?? [];
    const toTruth = matchFrame(
      obs.map((i) => observations[i]!.box),
      gt.map((g) => g.box),
      minIou,
    );
    // Unmatched observations on an ignored box leave the count instead of being false positives.
    const unmatched = obs.filter((_, k) => toTruth[k]! < 0);
    const onIgnored = matchFrame(
      unmatched.map((i) => observations[i]!.box),
      truth.ignored.get(frame) ?? [],
      minIou,
    );
    const dropped = new Set(unmatched.filter((_, k) => onIgnored[k]! >= 0));
    obs.forEach((i, k) => {
      if (dropped.has(i)) {
        ignoredObservations++;
        return;
      }
      evaluated++;
      const entity = observations[i]!.entity;
      if (entity !== null) entities.add(entity);
      const g = toTruth[k]!;
      if (g >= 0) {
        matchedIdentity[i] = gt[g]!.id;
        matched++;
      }
    });
  }

  const matchedIndices = matchedIdentity.flatMap((id, i) => (id === null ? [] : [i]));
  const truthLabels = matchedIndices.map((i) => matchedIdentity[i]!);
  // Noise observations become singletons: a label no other observation can share.
  const entityLabels = matchedIndices.map((i) => observations[i]!.entity ?? Symbol(i));
  const grouped = groupings(
    matchedIndices.map((i) => observations[i]!.entity),
    truthLabels,
  );

  return {
    frames: frames.size,
    groundTruthBoxes,
    observations: evaluated,
    ignoredObservations,
    matched,
    recall: ratio(matched, groundTruthBoxes),
    precision: ratio(matched, evaluated),
    entities: entities.size,
    identities: identities.size,
    ari:
      matchedIndices.length === 0
        ? 0
        : adjustedRandIndex<string | number | symbol, number>(entityLabels, truthLabels),
    purity: ratio(grouped.pureCount, grouped.inEntities),
    noiseFraction: ratio(matchedIndices.length - grouped.inEntities, matchedIndices.length),
    identitiesFound: grouped.identitiesFound,
    splitIdentities: grouped.splitIdentities,
    splitIdentityFraction: ratio(grouped.splitIdentities, grouped.identitiesFound),
    entitiesMatched: grouped.entitiesMatched,
    mergingEntities: grouped.mergingEntities,
    mergingEntityFraction: ratio(grouped.mergingEntities, grouped.entitiesMatched),
    matchedIdentity,
  };
}

/** Purity and split/merge counts from matched (entity, identity) pairs; noise (null) entities left out. */
function groupings(entities: readonly (string | number | null)[], identities: readonly number[]) {
  const perEntity = new Map<string | number, Map<number, number>>();
  const perIdentity = new Map<number, Set<string | number>>();
  let inEntities = 0;
  entities.forEach((e, k) => {
    if (e === null) return;
    inEntities++;
    const id = identities[k]!;
    let counts = perEntity.get(e);
    if (!counts) perEntity.set(e, (counts = new Map()));
    counts.set(id, (counts.get(id) ?? 0) + 1);
    let set = perIdentity.get(id);
    if (!set) perIdentity.set(id, (set = new Set()));
    set.add(e);
  });
  let pureCount = 0;
  let mergingEntities = 0;
  for (const counts of perEntity.values()) {
    pureCount += Math.max(...counts.values());
    if (counts.size > 1) mergingEntities++;
  }
  let splitIdentities = 0;
  for (const set of perIdentity.values()) if (set.size > 1) splitIdentities++;
  return {
    inEntities,
    pureCount,
    entitiesMatched: perEntity.size,
    mergingEntities,
    identitiesFound: perIdentity.size,
    splitIdentities,
  };
}
