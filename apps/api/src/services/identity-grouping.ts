import { hdbscan, hdbscanOnThisThread } from '@orion/hdbscan';
import { labelFamily, rowKey, type EntityRow, type RowFields } from '@orion/entity-index';
import {
  DEFAULT_IDENTITIES_MAX_POOL,
  IDENTITIES_FORMAT,
  IDENTITIES_VERSION,
  type IdentitiesFile,
  type Identity,
} from '@orion/shared';

/** A row to group: vectors as read (number[] from a row, float32 from the identities job's read). */
export type GroupRow = Omit<EntityRow, 'vector' | 'reidVector'> & {
  vector: ArrayLike<number> | null;
  reidVector: ArrayLike<number> | null;
};

/**
 * HDBSCAN settings for entity centroids. Two appearances are enough for an identity (a person seen in
 * two videos), and one neighbour makes a core point: an entity's reach is the distance to its nearest
 * other entity. `leaf` selection keeps the finest clusters: with excess of mass, four people of the
 * one-by-one video seen in one video each became one identity (HDBSCAN prefers one long-lived parent to
 * several short-lived children); docs/clustering.md, "Across videos: identities".
 */
export const IDENTITY_HDBSCAN = { minClusterSize: 2, minSamples: 1, clusterSelectionMethod: 'leaf' } as const;

/**
 * Pools whose pairwise distances cost at most this many multiply-adds (entities² × dims, 256 entities
 * of 512-d) are clustered on this thread, in tens of milliseconds; larger ones in a worker thread, so
 * requests are not held up. A worker thread costs about 0.5 s of CPU to start (it loads the package's
 * TypeScript through tsx: 496 ms CPU per call on 20 points, against 3.7 ms on this thread), and a
 * tenant has a pool per label family: with a worker for every pool, one recompute over the fixture
 * videos' entities cost the API 5–7 core-seconds (bench --sections e2e, issue #21).
 */
export const ON_THREAD_MAX_WORK = 2 ** 25;

type Space = Identity['vector'];

/** The entities of one comparable set: one label family, one vector kind and model. */
interface Pool {
  space: Space;
  rows: { row: GroupRow; vector: ArrayLike<number> }[];
}

type SeenFields = Pick<RowFields, 'observationCount' | 'firstSeen' | 'lastSeen' | 'videoId' | 'entityId'>;

/** Best-seen first: most observations, then longest in view; ties in a fixed order. */
function bestSeenFirst(a: SeenFields, b: SeenFields): number {
  return (
    b.observationCount - a.observationCount ||
    b.lastSeen - b.firstSeen - (a.lastSeen - a.firstSeen) ||
    a.videoId.localeCompare(b.videoId) ||
    a.entityId.localeCompare(b.entityId)
  );
}

/**
 * The pool of a row (label family, vector kind, model), or null for rows no identity takes: judged
 * to hold no object (they would only pull real ones together) or without a vector.
 */
function poolOf(row: RowFields): { key: string; space: Space } | null {
  if (row.likelyFalsePositive) return null;
  const space: Space | null = row.hasReid ? 'reid' : row.hasVector ? 'general' : null;
  if (!space) return null;
  const model = space === 'reid' ? row.reidModel : row.embeddingModel;
  return { key: `${labelFamily(row.label).join('|')}\u0000${space}\u0000${model}`, space };
}

/**
 * A pool's `max` best-seen members, in their order (every member when it has no more). HDBSCAN keeps
 * every pairwise distance, so memory and time grow with the square of a pool.
 */
function bestSeen<T>(members: readonly T[], max: number, seen: (m: T) => SeenFields): readonly T[] {
  if (members.length <= max) return members;
  const kept = new Set([...members].sort((a, b) => bestSeenFirst(seen(a), seen(b))).slice(0, max));
  return members.filter((m) => kept.has(m));
}

/** A row's grouping fields, as `readTenantFields` gives them. */
function fieldsOfRow(row: GroupRow): RowFields {
  return { ...row, hasVector: row.vector !== null, hasReid: row.reidVector !== null };
}

/**
 * Which rows the grouping will use, from the rows' fields alone: every row of a pool, or its `max`
 * best-seen (as `groupIdentities` cuts it), so that only those are read with their vectors.
 */
export function rowsToGroup(
  fields: readonly RowFields[],
  max: number,
): { keep: Set<string>; leftOut: number } {
  const byPool = new Map<string, RowFields[]>();
  for (const row of fields) {
    const pool = poolOf(row);
    if (pool) (byPool.get(pool.key) ?? byPool.set(pool.key, []).get(pool.key)!).push(row);
  }
  const keep = new Set<string>();
  let leftOut = 0;
  for (const rows of byPool.values()) {
    const kept = bestSeen(rows, max, (r) => r);
    leftOut += rows.length - kept.length;
    for (const row of kept) keep.add(rowKey(row));
  }
  return { keep, leftOut };
}

/** Entities of one video in view at the same time are two objects: never one identity. */
export function inViewTogether(a: GroupRow, b: GroupRow): boolean {
  return a.videoId === b.videoId && a.firstSeen <= b.lastSeen && b.firstSeen <= a.lastSeen;
}

function pools(rows: readonly GroupRow[]): Pool[] {
  const byKey = new Map<string, Pool>();
  for (const row of rows) {
    const pool = poolOf(fieldsOfRow(row));
    if (!pool) continue;
    const entry = byKey.get(pool.key) ?? byKey.set(pool.key, { space: pool.space, rows: [] }).get(pool.key)!;
    entry.rows.push({ row, vector: pool.space === 'reid' ? row.reidVector! : row.vector! });
  }
  return [...byKey.values()];
}

/**
 * Splits a cluster (members strongest first) into the fewest parts, greedily, with no two members of
 * a part in view together: a cluster that holds two of them holds two objects.
 */
function splitByCannotLink(members: { row: GroupRow; probability: number }[]) {
  const parts: (typeof members)[] = [];
  for (const m of [...members].sort((a, b) => b.probability - a.probability)) {
    const part = parts.find((p) => p.every((o) => !inViewTogether(o.row, m.row)));
    if (part) part.push(m);
    else parts.push([m]);
  }
  return parts;
}

/**
 * Groups a tenant's entities into identities: HDBSCAN (cosine) per label family and vector kind
 * (re-id centroids for people, the general embedding centroid for the rest), then cannot-link splits.
 * Groups of one entity are no identity. A pool over `maxPool` entities is cut to its best-seen ones;
 * `counts.leftOut` says how many were not grouped.
 */
export async function groupIdentities(
  tenantId: string,
  rows: readonly GroupRow[],
  /** When the rows were read: what `computedAt` says (rows written later are not in it). */
  readAt = new Date(),
  maxPool = DEFAULT_IDENTITIES_MAX_POOL,
  /** Entities already left out when the rows were read (`rowsToGroup`). */
  leftOutOnRead = 0,
): Promise<IdentitiesFile> {
  const identities: Omit<Identity, 'id'>[] = [];
  let entities = 0;
  let leftOut = leftOutOnRead;
  // The cut `rowsToGroup` makes on a read, here on the rows given (read cut already: nothing to cut).
  for (const { space, rows: all } of pools(rows)) {
    const pool = { space, rows: bestSeen(all, maxPool, (m) => m.row) };
    leftOut += all.length - pool.rows.length;
    entities += pool.rows.length;
    if (pool.rows.length < IDENTITY_HDBSCAN.minClusterSize) continue;
    // As number[] (packed as float64 by HDBSCAN), one pool at a time: the same distances whatever
    // the rows were read as.
    const vectors = pool.rows.map((r) => Array.from(r.vector));
    const work = vectors.length ** 2 * vectors[0]!.length;
    const result = await (work <= ON_THREAD_MAX_WORK ? hdbscanOnThisThread : hdbscan)(vectors, {
      ...IDENTITY_HDBSCAN,
      minSamples: Math.min(IDENTITY_HDBSCAN.minSamples, pool.rows.length - 1),
      metric: 'cosine',
      threads: 1,
    });
    const clusters = new Map<number, { row: GroupRow; probability: number }[]>();
    pool.rows.forEach(({ row }, i) => {
      const label = result.labels[i]!;
      if (label < 0) return;
      const list = clusters.get(label) ?? clusters.set(label, []).get(label)!;
      list.push({ row, probability: result.probabilities[i]! });
    });
    for (const members of clusters.values()) {
      for (const part of splitByCannotLink(members)) {
        if (part.length < 2) continue;
        const appearances = part
          .map(({ row, probability }) => ({
            videoId: row.videoId,
            runId: row.runId,
            entityId: row.entityId,
            label: row.label,
            firstSeen: row.firstSeen,
            lastSeen: row.lastSeen,
            probability: Math.min(1, Math.max(0, probability)),
          }))
          .sort((a, b) => a.videoId.localeCompare(b.videoId) || a.firstSeen - b.firstSeen);
        identities.push({ label: part[0]!.row.label, vector: pool.space, appearances });
      }
    }
  }
  identities.sort((a, b) => {
    const x = a.appearances[0]!;
    const y = b.appearances[0]!;
    return (
      x.videoId.localeCompare(y.videoId) || x.firstSeen - y.firstSeen || x.entityId.localeCompare(y.entityId)
    );
  });
  const numbered = identities.map((identity, i) => ({ id: `i${i + 1}`, ...identity }));
  return {
    format: IDENTITIES_FORMAT,
    version: IDENTITIES_VERSION,
    tenantId,
    computedAt: readAt.toISOString(),
    params: { ...IDENTITY_HDBSCAN },
    counts: {
      entities,
      identities: numbered.length,
      acrossVideos: numbered.filter((i) => new Set(i.appearances.map((a) => a.videoId)).size > 1).length,
      leftOut,
    },
    identities: numbered,
  };
}
