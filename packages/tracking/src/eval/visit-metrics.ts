import { adjustedRandIndex } from './adjusted-rand-index.js';
import { visitAt, type Visit, type VisitGroundTruth } from './visit-ground-truth.js';
import { ratio } from './ratio.js';

/** One predicted observation: when, which class the detector gave it, which entity it was put in. */
export interface VisitObservation {
  /** Seconds from the start of the video. */
  t: number;
  label: string;
  /** The entity it belongs to; null for noise (no entity). */
  entity: string | number | null;
}

/** How one visit came out. */
export interface VisitScore {
  identity: string;
  label: string;
  start: number;
  end: number;
  /** Observations of the visit's class during it. */
  observations: number;
  /** Entities holding them, most observations first (ties: first seen first); null = noise. */
  entities: { entity: string | number | null; observations: number }[];
  /** The entity holding most of them (noise left out); null when none is in an entity. */
  majorityEntity: string | number | null;
  /** Its observations over all the visit's observations (0 when there are none). */
  majorityShare: number;
}

export interface VisitEvaluation {
  /** Visits and distinct identities in the ground truth. */
  visits: number;
  identities: number;
  /** Observations of the classes the visits are about (other classes are not looked at). */
  observations: number;
  /** Of those, the ones during a visit of their class, and the ones outside every such visit. */
  inVisits: number;
  outside: number;
  /** Distinct entities among those observations, in visits or not (noise not counted). */
  entities: number;
  /** Identities with at least one observation in a visit. */
  identitiesSeen: number;
  /** Adjusted Rand index of the observations in visits: entity vs identity, each noise observation a singleton. */
  ari: number;
  /** Observations in visits and in an entity: the share whose identity is their entity's most frequent one. */
  purity: number;
  /** Share of observations in visits that are noise. */
  noiseFraction: number;
  /** Visits with an observation in an entity; of those, the ones spread over ≥ 2 entities. */
  visitsFound: number;
  splitVisits: number;
  splitVisitFraction: number;
  /** Entities with an observation in a visit; of those, the ones holding ≥ 2 identities. */
  entitiesMatched: number;
  mergingEntities: number;
  mergingEntityFraction: number;
  /**
   * Identities with ≥ 2 visits, and of those the ones whose visits all have the same majority
   * entity (someone who left and came back recognised as one entity).
   */
  returningIdentities: number;
  reunitedIdentities: number;
  /** Per visit, in the ground truth's order (class, then start). */
  perVisit: VisitScore[];
  /** Per input observation: the identity of its visit, or null (outside every visit, or another class). */
  identityOf: (string | null)[];
}

/**
 * Scores entities against visit ground truth: an observation of a visit's class whose time falls in
 * the visit belongs to the visit's identity. Pure: no I/O, inputs untouched.
 */
export function evaluateVisits(
  truth: VisitGroundTruth,
  observations: readonly VisitObservation[],
): VisitEvaluation {
  const labels = new Set(truth.labels);
  const visitOf: (Visit | undefined)[] = observations.map((o) =>
    labels.has(o.label) ? visitAt(truth, o.label, o.t) : undefined,
  );
  const considered = observations.filter((o) => labels.has(o.label));
  // In time order, so that "first seen" breaks ties the same way whatever the input order.
  const inVisits = observations
    .map((_, i) => i)
    .filter((i) => visitOf[i])
    .sort((a, b) => observations[a]!.t - observations[b]!.t || a - b);

  const perVisit = new Map<Visit, Map<string | number | null, number>>(
    truth.visits.map((v) => [v, new Map()]),
  );
  const perEntity = new Map<string | number, Map<string, number>>();
  for (const i of inVisits) {
    const { entity } = observations[i]!;
    const visit = visitOf[i]!;
    const counts = perVisit.get(visit)!;
    counts.set(entity, (counts.get(entity) ?? 0) + 1);
    if (entity === null) continue;
    let identities = perEntity.get(entity);
    if (!identities) perEntity.set(entity, (identities = new Map()));
    identities.set(visit.identity, (identities.get(visit.identity) ?? 0) + 1);
  }

  const scores: VisitScore[] = truth.visits.map((visit) => {
    const counts = perVisit.get(visit)!;
    const entities = [...counts].map(([entity, n]) => ({ entity, observations: n }));
    entities.sort((a, b) => b.observations - a.observations); // stable: first seen first on ties
    const total = entities.reduce((s, e) => s + e.observations, 0);
    const majority = entities.find((e) => e.entity !== null);
    return {
      identity: visit.identity,
      label: visit.label,
      start: visit.start,
      end: visit.end,
      observations: total,
      entities,
      majorityEntity: majority?.entity ?? null,
      majorityShare: majority && total > 0 ? majority.observations / total : 0,
    };
  });

  let inEntities = 0;
  let pure = 0;
  let mergingEntities = 0;
  for (const identities of perEntity.values()) {
    const counts = [...identities.values()];
    inEntities += counts.reduce((s, n) => s + n, 0);
    pure += Math.max(...counts);
    if (identities.size > 1) mergingEntities++;
  }
  const found = scores.filter((s) => s.majorityEntity !== null);
  const splitVisits = found.filter((s) => s.entities.filter((e) => e.entity !== null).length > 1).length;

  const visitsOfIdentity = new Map<string, VisitScore[]>();
  for (const s of scores) visitsOfIdentity.set(s.identity, [...(visitsOfIdentity.get(s.identity) ?? []), s]);
  let returning = 0;
  let reunited = 0;
  for (const list of visitsOfIdentity.values()) {
    if (list.length < 2) continue;
    returning++;
    const first = list[0]!.majorityEntity;
    if (first !== null && list.every((s) => s.majorityEntity === first)) reunited++;
  }

  const truthLabels = inVisits.map((i) => visitOf[i]!.identity);
  // Noise observations become singletons: a label no other observation can share.
  const entityLabels = inVisits.map((i) => observations[i]!.entity ?? Symbol(i));
  return {
    visits: truth.visits.length,
    identities: truth.identities,
    observations: considered.length,
    inVisits: inVisits.length,
    outside: considered.length - inVisits.length,
    entities: new Set(considered.flatMap((o) => (o.entity === null ? [] : [o.entity]))).size,
    identitiesSeen: new Set(truthLabels).size,
    ari:
      inVisits.length === 0
        ? 0
        : adjustedRandIndex<string | number | symbol, string>(entityLabels, truthLabels),
    purity: ratio(pure, inEntities),
    noiseFraction: ratio(inVisits.length - inEntities, inVisits.length),
    visitsFound: found.length,
    splitVisits,
    splitVisitFraction: ratio(splitVisits, found.length),
    entitiesMatched: perEntity.size,
    mergingEntities,
    mergingEntityFraction: ratio(mergingEntities, perEntity.size),
    returningIdentities: returning,
    reunitedIdentities: reunited,
    perVisit: scores,
    identityOf: visitOf.map((v) => v?.identity ?? null),
  };
}
