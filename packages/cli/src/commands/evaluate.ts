import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  entityTrackIds,
  evaluateIdentities,
  evaluateTracking,
  evaluateVisits,
  formatMotResults,
  parseMotGroundTruth,
  parseVisitGroundTruth,
  sampledSourceFrames,
  sourceFrameAt,
  xyxyToXywh,
  type IdentityEvaluation,
  type TrackingMetrics,
  type VisitEvaluation,
} from '@orion/tracking';
import type {
  Observation as Obs,
  ObservationList,
  ReclusterAccepted,
  VideoStatus as Status,
} from '@orion/shared/api';
import {
  ASSOCIATION_MODES as MODES,
  CLUSTER_EMBEDDINGS,
  type AssociationMode as Mode,
  type ClusterEmbedding,
} from '@orion/shared/vocabulary';
import type { ApiClient } from '../api-client.js';
import { PollBackoff } from '../poll-backoff.js';
import { printMot, printVisits, type TrackingScores } from './evaluate-report.js';

export type { TrackingScores } from './evaluate-report.js';

async function waitFor(client: ApiClient, id: string, done: (s: Status) => boolean): Promise<Status> {
  const backoff = new PollBackoff(500, 10_000);
  let last = '';
  for (;;) {
    const s = await client.json<Status>(`/v1/videos/${encodeURIComponent(id)}`);
    if (s.state === 'failed' || s.state === 'canceled') throw new Error(`video ${id} is ${s.state}`);
    if (done(s)) return s;
    const seen = JSON.stringify(s);
    await backoff.wait(seen !== last);
    last = seen;
  }
}

async function observations(client: ApiClient, id: string): Promise<Obs[]> {
  const all: Obs[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.json<ObservationList>(
      `/v1/videos/${encodeURIComponent(id)}/observations?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    all.push(...page.observations);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

async function recluster(
  client: ApiClient,
  id: string,
  settings: { association: Mode; embedding: ClusterEmbedding },
): Promise<Status> {
  const { runId } = await client.postJson<ReclusterAccepted>(
    `/v1/videos/${encodeURIComponent(id)}/recluster`,
    settings,
  );
  const s = await waitFor(client, id, (x) => !x.pendingRunId);
  if (s.runId !== runId)
    throw new Error(`recluster ${runId} failed: ${s.reclusterError?.message ?? 'unknown reason'}`);
  return s;
}

export const GT_FORMATS = ['mot', 'visits'] as const;

/** `orion eval`'s options, as the command line gives them. */
export interface EvaluateOptions {
  gt: string;
  gtFormat: string;
  fps?: number;
  json?: boolean;
  exportMot?: string;
  labels?: string[];
  /** Vectors to compare (`reid`, `vision`, `multimodal`); default: the video's own. */
  embedding?: string;
}
export type GtFormat = (typeof GT_FORMATS)[number];

/** What `evaluate` scored, per association mode, by ground-truth format. */
export type Evaluation =
  | { format: 'mot'; results: Record<Mode, IdentityEvaluation & TrackingScores> }
  | { format: 'visits'; results: Record<Mode, VisitEvaluation & TrackingScores> };

/**
 * `orion eval --gt <file> [--gt-format mot|visits] <video file | id>`: scores the video's entities
 * against ground truth for each association mode (re-clustering the stored embeddings; the video's
 * own mode is current again at the end).
 *
 * - `mot` (MOTChallenge gt.txt): observations are matched to ground-truth boxes per frame (IoU ≥ 0.5;
 *   frame k of the video is ground-truth frame k+1; flag-0 rows ignored); prints detection recall and
 *   precision, entities against identities, ARI, purity, split and merge fractions.
 * - `visits` (`start,end,identity[,class]` per line): an observation of a visit's class during the
 *   visit belongs to its identity; prints entities against identities, ARI, purity, visits split,
 *   entities merging identities, returning identities reunited, and each visit's entities.
 *
 * With `mot`, each mode also gets the tracking field's scores on entities as track ids (IDF1, IDP,
 * IDR, MOTA, ID switches, fragmentations, HOTA, DetA, AssA: see @orion/tracking `evaluateTracking`);
 * with `visits` they are null (no boxes to match). `exportMot` writes the current mode's entities as
 * a MOTChallenge results file (frames 1-based, as in gt.txt) for TrackEval or py-motmetrics.
 * `labels` keeps only observations of those detector classes (scores and export); default: all.
 * `embedding` scores both modes with those vectors instead of the video's own (e.g. `vision` against
 * `reid`); the video's own mode and vectors are current again at the end.
 */
export async function evaluate(
  client: ApiClient,
  target: string,
  opts: EvaluateOptions,
): Promise<Evaluation> {
  if (!(GT_FORMATS as readonly string[]).includes(opts.gtFormat))
    throw new Error(`unknown --gt-format ${opts.gtFormat} (supported: ${GT_FORMATS.join(', ')})`);
  if (opts.exportMot !== undefined) await checkWritable(opts.exportMot);
  if (opts.labels?.length === 0) throw new Error('--labels needs at least one class name, e.g. person');
  if (opts.embedding !== undefined && !(CLUSTER_EMBEDDINGS as readonly string[]).includes(opts.embedding))
    throw new Error(`unknown --embedding ${opts.embedding} (supported: ${CLUSTER_EMBEDDINGS.join(', ')})`);
  const text = await readFile(opts.gt, 'utf8');
  // Parse before submitting anything: a bad file is reported at once.
  const truth =
    opts.gtFormat === 'mot'
      ? { format: 'mot' as const, gt: parseMotGroundTruth(text) }
      : { format: 'visits' as const, gt: parseVisitGroundTruth(text) };
  let id = target;
  if (existsSync(target)) {
    const res = await client.uploadVideo(target, { targetFps: opts.fps, tags: ['eval'] }, () => {});
    const v = res.videos[0]!;
    if (!v.id) throw new Error(`${target} was refused: ${v.error?.message}`);
    id = v.id;
    process.stderr.write(`submitted ${target} as video ${id}; waiting for it to finish…\n`);
  }
  const own = await waitFor(client, id, (s) => s.state === 'completed' && !s.pendingRunId);
  const embedding = (opts.embedding as ClusterEmbedding | undefined) ?? own.embedding;
  // What is printed: the video's own mode, with the vectors scored.
  const status: Status = { ...own, embedding };
  const order = [status.association, ...MODES.filter((m) => m !== status.association)];
  const observed = {} as Record<Mode, Obs[]>;
  for (const mode of order) {
    if (mode !== own.association || embedding !== own.embedding)
      await recluster(client, id, { association: mode, embedding });
    // Only the classes the ground truth is about, when asked (MOTChallenge scores pedestrians only).
    observed[mode] = (await observations(client, id)).filter(
      (o) => o.entity !== undefined && (!opts.labels || opts.labels.includes(o.label)),
    );
  }
  await recluster(client, id, { association: own.association, embedding: own.embedding });
  if (opts.exportMot !== undefined) await exportMot(opts.exportMot, observed[status.association], status, id);

  if (truth.format === 'mot') {
    const results = scoreMot(truth.gt, status, observed);
    printMot(id, status, order, results, opts.json);
    return { format: 'mot', results };
  }
  const results = {} as Record<Mode, VisitEvaluation & TrackingScores>;
  for (const mode of order) {
    const r = evaluateVisits(truth.gt, observed[mode]);
    results[mode] = { ...r, ...trackingScores(null, r.entitiesMatched, r.identities) };
  }
  printVisits(id, status, order, results, opts.json);
  return { format: 'visits', results };
}

/** Refuses an export path whose folder is missing or that is a folder, before any work is done. */
async function checkWritable(path: string): Promise<void> {
  const folder = await stat(dirname(resolve(path))).catch(() => null);
  if (!folder?.isDirectory())
    throw new Error(`--export-mot ${path}: no such folder ${dirname(resolve(path))}`);
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory()) throw new Error(`--export-mot ${path}: is a folder, not a file`);
}

/** Observation → the MOT row's frame and box: the source frame the sample showed, as eval scores it. */
function motFrameAndBox(o: Obs, status: Status) {
  return {
    frame: sourceFrameAt(o.t, status.video.fps),
    // The schema holds exactly four numbers (minItems = maxItems = 4).
    box: xyxyToXywh(o.box as [number, number, number, number]),
  };
}

async function exportMot(path: string, observed: Obs[], status: Status, id: string) {
  const ids = entityTrackIds(
    observed.map((o) => ({ frame: sourceFrameAt(o.t, status.video.fps), entity: o.entity })),
  );
  const rows = observed.map((o, i) => ({ ...motFrameAndBox(o, status), id: ids[i]!, score: o.score }));
  await writeFile(path, formatMotResults(rows));
  const repeats = rows.length - new Set(rows.map((r) => `${r.frame},${r.id}`)).size;
  process.stderr.write(
    `wrote ${rows.length} rows of video ${id}'s ${status.association} entities to ${path} (MOTChallenge results, ` +
      `frames 1-based; only the frames sampled at ${status.plan.targetFps} fps)\n` +
      (repeats > 0
        ? `note: ${repeats} rows repeat an entity within a frame; TrackEval refuses such files\n`
        : ''),
  );
}

/** The flat per-mode fields `--json` carries beside ARI and purity. */
function trackingScores(
  m: TrackingMetrics | null,
  entitiesMatched: number,
  identities: number,
): TrackingScores {
  return {
    idf1: m?.idf1 ?? null,
    idp: m?.idp ?? null,
    idr: m?.idr ?? null,
    mota: m?.mota ?? null,
    idSwitches: m?.idSwitches ?? null,
    fragmentations: m?.fragmentations ?? null,
    hota: m?.hota ?? null,
    detA: m?.detA ?? null,
    assA: m?.assA ?? null,
    entitiesPerIdentity: identities === 0 ? 0 : entitiesMatched / identities,
  };
}

function scoreMot(
  truth: ReturnType<typeof parseMotGroundTruth>,
  status: Status,
  observed: Record<Mode, Obs[]>,
): Record<Mode, IdentityEvaluation & TrackingScores> {
  const frames = sampledSourceFrames(status.plan.targetFps, status.video.durationSeconds, status.video.fps);
  const results = {} as Record<Mode, IdentityEvaluation & TrackingScores>;
  for (const mode of MODES) {
    const scored = observed[mode].map((o) => ({ ...motFrameAndBox(o, status), entity: o.entity }));
    const r = evaluateIdentities(truth, scored, { frames });
    const tracking = evaluateTracking(truth, scored, { frames });
    results[mode] = { ...r, ...trackingScores(tracking, r.entitiesMatched, r.identities) };
  }
  return results;
}
