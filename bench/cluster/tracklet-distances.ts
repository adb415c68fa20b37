/**
 * Cosine distances between tracklet mean embeddings, as the cluster stage feeds them to HDBSCAN,
 * for tracklets of the same identity (fragments of one object) and of different identities, on
 * videos already processed by a stack whose store is a local folder. Then the cluster stage's
 * tracklet grouping is replayed on the stored embeddings and scored against the ground truth, as is
 * and with each group cut by complete linkage at hypothetical distance caps (`--caps`).
 *
 *   npm run bench:distances -- \
 *     --store /path/to/store/root [--caps none,0.3,0.35] mot:gt.txt:<videoId> visits:file.csv:<videoId> …
 *
 * A tracklet's identity is the one most of its detections have (matched ground-truth box for `mot`,
 * visit for `visits`), when at least half of them have it; other tracklets are left out. Pairs of
 * tracklets that share a frame (cannot-link) are left out: no grouping may join them anyway.
 * VERBOSE=1 lists every same-identity pair and every pair of two identities closer than 0.25.
 * The numbers in docs/clustering.md ("the one-by-one check") come from this on the videos of
 * `orion eval` runs at 25 and 5 fps (TUD-Campus) and 4 and 2 fps (one-by-one).
 *
 * `--vectors reid` (default) compares tracklets by their re-id vectors where they have them (people,
 * as the cluster stage does), `--vectors general` by the general embedding only (the re-id vectors
 * are dropped before tracking: the "before" numbers). `--tracker '{"reidAppearanceWeight":0.5}'`
 * passes tracker options, for sweeps of the appearance settings; `--reid-cut 0.1|none` replaces the
 * cluster stage's complete-linkage cut of re-id groups (REID_MAX_GROUP_DIAMETER), `--reid-min-support N`
 * the tracklet length it trusts (REID_MIN_SUPPORT), `--no-attach` leaves short fragments where
 * HDBSCAN put them. VERBOSE=1 also lists each entity's identities and tracklets.
 */
import { readFile } from 'node:fs/promises';
import { FsObjectStore, videoKeys, type VideoRecord } from '@orion/shared';
import {
  evaluateIdentities,
  evaluateVisits,
  parseMotGroundTruth,
  parseVisitGroundTruth,
  sampledSourceFrames,
  sourceFrameAt,
  xyxyToXywh,
  dot,
  normalised,
  type TrackerOptionsInput,
} from '@orion/tracking';
import {
  TRACKLET_CLUSTERING,
  trackletGroupOptions,
  trackletUnits,
  trackletsOf,
} from '../../apps/cluster-worker/src/associate.js';
import { gatherVideo } from '../../apps/cluster-worker/src/gather.js';
import {
  REID_MAX_GROUP_DIAMETER,
  REID_MIN_SUPPORT,
  groupUnits,
} from '../../apps/cluster-worker/src/group.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const k = args.indexOf(name);
  if (k < 0) return undefined;
  const [, value] = args.splice(k, 2);
  return value;
};
const storeRoot = option('--store');
const vectors = option('--vectors') ?? 'reid';
if (vectors !== 'reid' && vectors !== 'general') {
  console.error(`--vectors must be reid or general, not ${vectors}`);
  process.exit(2);
}
const trackerOptions = JSON.parse(option('--tracker') ?? '{}') as TrackerOptionsInput;
// The cluster stage's cut of re-id groups (`--reid-cut none` for HDBSCAN alone).
const reidCut = option('--reid-cut') ?? String(REID_MAX_GROUP_DIAMETER);
const reidMaxDiameter = reidCut === 'none' ? null : Number(reidCut);
const reidMinSupport = Number(option('--reid-min-support') ?? REID_MIN_SUPPORT);
// `--no-attach`: short re-id fragments stay where HDBSCAN put them (the "before" of that step).
const noAttach = args.includes('--no-attach');
if (noAttach) args.splice(args.indexOf('--no-attach'), 1);
const caps = (option('--caps') ?? 'none').split(',').map((c) => (c === 'none' ? null : Number(c)));
if (!storeRoot || args.length === 0) {
  console.error('usage: tracklet-distances.ts --store DIR [--caps none,0.3] mot|visits:GT:VIDEO_ID …');
  process.exit(2);
}
const store = new FsObjectStore(storeRoot);

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0
    ? 'none'
    : `n ${s.length}, min ${s[0]!.toFixed(3)}, p10 ${quantile(s, 0.1).toFixed(3)}, median ${quantile(s, 0.5).toFixed(3)}, ` +
        `p90 ${quantile(s, 0.9).toFixed(3)}, max ${s[s.length - 1]!.toFixed(3)}`;
};
/** Of unit vectors (tracklet means are; crops are normalised first). */
const cosineDistance = (a: Float32Array, b: Float32Array) => 1 - dot(a, b);

for (const spec of args) {
  const [format, gtPath, videoId] = spec.split(':') as [string, string, string];
  const record = JSON.parse((await store.get(videoKeys(videoId).manifest)).toString()) as VideoRecord;
  const gathered = await gatherVideo(
    store,
    videoId,
    record.plan.shardCount,
    vectors === 'reid' ? 'reid' : 'vision',
  );
  const observations =
    vectors === 'general' ? gathered.observations.map((o) => ({ ...o, reid: null })) : gathered.observations;
  const tracking = trackletsOf(observations, trackerOptions);
  /** The vector a tracklet is grouped by, as the cluster stage chooses it. */
  const vectorOf = (t: { embedding: Float32Array | null; reid: Float32Array | null }) =>
    t.reid ?? t.embedding;
  const gtText = await readFile(gtPath, 'utf8');
  const sourceFps = record.probe.video.fps;

  /** Scores one assignment of observations to entities (null = noise) against the ground truth. */
  const score = (entityOf: (i: number) => string | number | null) => {
    if (format === 'mot') {
      const m = evaluateIdentities(
        parseMotGroundTruth(gtText),
        observations.map((o, i) => ({
          frame: sourceFrameAt(o.detection.t, sourceFps),
          box: xyxyToXywh(o.detection.box),
          entity: entityOf(i),
        })),
        { frames: sampledSourceFrames(record.plan.targetFps, record.probe.durationSeconds, sourceFps) },
      );
      return {
        identityOf: m.matchedIdentity.map((x) => (x === null ? null : String(x))),
        line: `ARI ${m.ari.toFixed(3)}, entities ${m.entitiesMatched} / ${m.identities} identities, purity ${m.purity.toFixed(3)}, split ${m.splitIdentities}/${m.identitiesFound}, merging ${m.mergingEntities}/${m.entitiesMatched}`,
      };
    }
    const m = evaluateVisits(
      parseVisitGroundTruth(gtText),
      observations.map((o, i) => ({ t: o.detection.t, label: o.detection.label, entity: entityOf(i) })),
    );
    return {
      identityOf: m.identityOf,
      line:
        `ARI ${m.ari.toFixed(3)}, entities ${m.entitiesMatched} / ${m.identities} identities, purity ${m.purity.toFixed(3)}, ` +
        `visits split ${m.splitVisits}/${m.visitsFound}, merging ${m.mergingEntities}/${m.entitiesMatched}; per visit: ` +
        m.perVisit.map((v) => `${v.identity}→${v.majorityEntity} (${v.majorityShare.toFixed(2)})`).join(' '),
    };
  };

  const { identityOf } = score((i) => tracking.trackletOfIndex[i]!);
  // Identities of each tracklet's detections, counted in one pass over the observations.
  const countsOf = tracking.tracklets.map(() => new Map<string, number>());
  identityOf.forEach((who, i) => {
    const counts = countsOf[tracking.trackletOfIndex[i]!]!;
    if (who) counts.set(who, (counts.get(who) ?? 0) + 1);
  });
  const trackletIdentity = tracking.tracklets.map((t, k) => {
    const [best] = [...countsOf[k]!].sort((a, b) => b[1] - a[1]);
    return best && best[1] * 2 >= t.detectionIds.length && vectorOf(t) ? best[0] : null;
  });
  const linked = new Set(tracking.cannotLink.map(([a, b]) => `${a},${b}`));
  const same: number[] = [];
  const sameLong: number[] = [];
  const different: number[] = [];
  const differentLong: number[] = [];
  const closest = new Map<string, number>();
  const labelled = tracking.tracklets.filter((t) => trackletIdentity[t.id] !== null);
  for (let x = 0; x < labelled.length; x++) {
    for (let y = x + 1; y < labelled.length; y++) {
      const a = labelled[x]!;
      const b = labelled[y]!;
      if (linked.has(`${a.id},${b.id}`)) continue;
      // Only pairs the grouping compares: both in the same vector space.
      if (!a.reid !== !b.reid) continue;
      const d = cosineDistance(vectorOf(a)!, vectorOf(b)!);
      const long = a.detectionIds.length >= 3 && b.detectionIds.length >= 3;
      const [ia, ib] = [trackletIdentity[a.id]!, trackletIdentity[b.id]!];
      if (process.env.VERBOSE && (ia === ib || d < 0.25))
        console.log(
          `    ${ia === ib ? 'same' : 'diff'} ${ia}/${ib}: tracklets ${a.id} (${a.detectionIds.length} det, ${a.firstTime.toFixed(1)}–${a.lastTime.toFixed(1)} s) ` +
            `and ${b.id} (${b.detectionIds.length} det, ${b.firstTime.toFixed(1)}–${b.lastTime.toFixed(1)} s): ${d.toFixed(3)}`,
        );
      if (ia === ib) {
        same.push(d);
        if (long) sameLong.push(d);
      } else {
        different.push(d);
        if (long) differentLong.push(d);
        const key = ia < ib ? `${ia}–${ib}` : `${ib}–${ia}`;
        closest.set(key, Math.min(closest.get(key) ?? Infinity, d));
      }
    }
  }
  console.log(
    `\n${record.filename} (${videoId.slice(0, 8)}) at ${record.plan.targetFps} fps, ${vectors} vectors: ${observations.length} observations, ` +
      `${tracking.tracklets.length} tracklets, ${labelled.length} with an identity ` +
      `(${labelled.filter((t) => t.detectionIds.length >= 3).length} of ≥ 3 detections)`,
  );
  console.log(`  same identity, all tracklets:        ${summary(same)}`);
  console.log(`  same identity, ≥ 3 detections each:  ${summary(sameLong)}`);
  console.log(`  different identities, all:           ${summary(different)}`);
  console.log(`  different identities, ≥ 3 each:      ${summary(differentLong)}`);
  // Detection level: median distance between single crops of two identities (diagonal: of one).
  const byIdentity = new Map<string, Float32Array[]>();
  observations.forEach((o, i) => {
    const who = identityOf[i];
    const v = o.reid ?? o.embedding;
    const u = v && normalised(v);
    if (who && u) byIdentity.set(who, [...(byIdentity.get(who) ?? []), u]);
  });
  const names = [...byIdentity.keys()].sort();
  console.log(`  median crop-to-crop distance (rows and columns: ${names.join(' ')}):`);
  for (const a of names) {
    const row = names.map((b) => {
      const d: number[] = [];
      for (const [x, u] of byIdentity.get(a)!.entries())
        for (const [y, v] of byIdentity.get(b)!.entries()) if (a !== b || x < y) d.push(cosineDistance(u, v));
      d.sort((p, q) => p - q);
      return quantile(d, 0.5).toFixed(2);
    });
    console.log(`    ${a.padEnd(3)} ${row.join(' ')}`);
  }
  if (format === 'visits') {
    console.log(
      `  closest tracklets of two identities: ${[...closest]
        .sort((a, b) => a[1] - b[1])
        .map(([k, d]) => `${k} ${d.toFixed(3)}`)
        .join(', ')}`,
    );
  }

  const grouping = await groupUnits(
    trackletUnits(tracking.tracklets),
    { ...record.clustering, ...TRACKLET_CLUSTERING },
    tracking.cannotLink,
    {
      ...trackletGroupOptions(trackerOptions),
      reidMaxDiameter,
      reidMinSupport,
      ...(noAttach ? { reidAttach: null } : {}),
    },
  );
  for (const cap of caps) {
    // What a cap would do: each group cut by complete linkage at `cap` (no two tracklets of a part
    // farther apart than it). Not the product's behaviour: no cap separates the measured distances.
    const labels = cap === null ? grouping.labels : capGroups(grouping.labels, tracking.tracklets, cap);
    const entityOf = (i: number) => {
      const t = tracking.trackletOfIndex[i]!;
      const g = labels[t]!;
      return g >= 0 ? `g${g}` : `t${t}`;
    };
    console.log(`  grouping, cap ${cap ?? 'none'}: ${score(entityOf).line}`);
    if (process.env.VERBOSE) listEntities(tracking, entityOf, identityOf);
  }
}

/** VERBOSE: each entity holding a scored observation, with its identities and tracklets. */
function listEntities(
  tracking: ReturnType<typeof trackletsOf>,
  entityOf: (i: number) => string,
  identityOf: readonly (string | null)[],
) {
  const entities = new Map<string, { who: Map<string, number>; tracklets: Map<number, number> }>();
  identityOf.forEach((who, i) => {
    const e = entityOf(i);
    const entry = entities.get(e) ?? { who: new Map(), tracklets: new Map() };
    entities.set(e, entry);
    const key = who ?? '-';
    entry.who.set(key, (entry.who.get(key) ?? 0) + 1);
    const t = tracking.trackletOfIndex[i]!;
    entry.tracklets.set(t, (entry.tracklets.get(t) ?? 0) + 1);
  });
  for (const [e, { who, tracklets }] of entities) {
    if (![...who.keys()].some((k) => k !== '-')) continue;
    const spans = [...tracklets.keys()].map((t) => {
      const x = tracking.tracklets[t]!;
      return `t${t}:${x.detectionIds.length}@${x.firstTime.toFixed(1)}–${x.lastTime.toFixed(1)}${x.reid ? '' : '(no reid)'}`;
    });
    console.log(`    ${e}: ${[...who].map(([k, n]) => `${k}×${n}`).join(' ')} | ${spans.join(' ')}`);
  }
}

/** Splits each group (label ≥ 0) by complete linkage cut at `cap` (cosine distance of the means). */
function capGroups(
  labels: Int32Array,
  tracklets: readonly { embedding: Float32Array | null; reid: Float32Array | null }[],
  cap: number,
): Int32Array {
  const out = Int32Array.from(labels);
  let next = Math.max(-1, ...labels) + 1;
  const groups = new Map<number, number[]>();
  labels.forEach((g, t) => {
    if (g >= 0) groups.set(g, [...(groups.get(g) ?? []), t]);
  });
  for (const members of groups.values()) {
    let parts = members.map((t) => [t]);
    const diameter = (a: number[], b: number[]) =>
      Math.max(
        ...a.flatMap((x) =>
          b.map((y) =>
            cosineDistance(
              tracklets[x]!.reid ?? tracklets[x]!.embedding!,
              tracklets[y]!.reid ?? tracklets[y]!.embedding!,
            ),
          ),
        ),
      );
    for (;;) {
      let best: [number, number, number] | null = null;
      for (let x = 0; x < parts.length; x++)
        for (let y = x + 1; y < parts.length; y++) {
          const d = diameter(parts[x]!, parts[y]!);
          if (d <= cap && (!best || d < best[2])) best = [x, y, d];
        }
      if (!best) break;
      const [x, y] = best;
      parts = [...parts.filter((_, k) => k !== x && k !== y), [...parts[x]!, ...parts[y]!]];
    }
    parts.slice(1).forEach((part) => {
      for (const t of part) out[t] = next;
      next++;
    });
  }
  return out;
}
