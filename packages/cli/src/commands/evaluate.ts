import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  evaluateIdentities,
  parseMotGroundTruth,
  sourceFrameAt,
  xyxyToXywh,
  type IdentityEvaluation,
} from '@orion/tracking';
import type { ApiClient } from '../api-client.js';
import { formatTable } from '../format.js';

type Mode = 'tracklets' | 'observations';
const MODES: Mode[] = ['tracklets', 'observations'];

interface Status {
  id: string;
  state: string;
  runId: string;
  pendingRunId?: string;
  association: Mode;
  reclusterError?: { message: string };
  video: { durationSeconds: number; fps: number };
  plan: { targetFps: number };
}

interface Obs {
  t: number;
  box: [number, number, number, number];
  entity: string | null;
}

async function waitFor(client: ApiClient, id: string, done: (s: Status) => boolean): Promise<Status> {
  for (;;) {
    const s = await client.json<Status>(`/v1/videos/${encodeURIComponent(id)}`);
    if (s.state === 'failed' || s.state === 'canceled') throw new Error(`video ${id} is ${s.state}`);
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function observations(client: ApiClient, id: string): Promise<Obs[]> {
  const all: Obs[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.json<{ observations: Obs[]; nextCursor?: string }>(
      `/v1/videos/${encodeURIComponent(id)}/observations?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    all.push(...page.observations);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

async function recluster(client: ApiClient, id: string, association: Mode): Promise<Status> {
  const { runId } = await client.postJson<{ runId: string }>(
    `/v1/videos/${encodeURIComponent(id)}/recluster`,
    { association },
  );
  const s = await waitFor(client, id, (x) => !x.pendingRunId);
  if (s.runId !== runId)
    throw new Error(`recluster ${runId} failed: ${s.reclusterError?.message ?? 'unknown reason'}`);
  return s;
}

/**
 * `orion eval --gt gt.txt <video file | id>`: matches the video's observations to MOTChallenge ground
 * truth per frame (IoU ≥ 0.5; frame k of the video is ground-truth frame k+1; flag-0 rows ignored) and
 * prints detection recall and precision, entities against identities, ARI, purity, split and merge
 * fractions — for each association mode (re-clustering the stored embeddings; the video's own mode is
 * current again at the end).
 */
export async function evaluate(
  client: ApiClient,
  target: string,
  opts: { gt: string; gtFormat: string; fps?: number; classes?: string[]; json?: boolean },
): Promise<Record<Mode, IdentityEvaluation>> {
  if (opts.gtFormat !== 'mot') throw new Error(`unknown --gt-format ${opts.gtFormat} (supported: mot)`);
  const truth = parseMotGroundTruth(await readFile(opts.gt, 'utf8'));
  let id = target;
  if (existsSync(target)) {
    const res = await client.uploadVideo(target, { targetFps: opts.fps, tags: ['eval'] }, () => {});
    const v = res.videos[0]!;
    if (!v.id) throw new Error(`${target} was refused: ${v.error?.message}`);
    id = v.id;
    process.stderr.write(`submitted ${target} as video ${id}; waiting for it to finish…\n`);
  }
  const status = await waitFor(client, id, (s) => s.state === 'completed' && !s.pendingRunId);
  // The source frames that were sampled: the ground truth of any other frame was never looked at.
  const frames = new Set<number>();
  for (let n = 0; n / status.plan.targetFps < status.video.durationSeconds; n++) {
    frames.add(sourceFrameAt(n / status.plan.targetFps, status.video.fps));
  }
  const results = {} as Record<Mode, IdentityEvaluation>;
  const order = [status.association, ...MODES.filter((m) => m !== status.association)];
  for (const mode of order) {
    if (mode !== status.association) await recluster(client, id, mode);
    const obs = (await observations(client, id)).filter((o) => o.entity !== undefined);
    results[mode] = evaluateIdentities(
      truth,
      obs.map((o) => ({
        frame: sourceFrameAt(o.t, status.video.fps),
        box: xyxyToXywh(o.box),
        entity: o.entity,
      })),
      { frames },
    );
  }
  if (order.length > 1) await recluster(client, id, status.association);

  if (opts.json) {
    const { matchedIdentity: _a, ...t } = results.tracklets;
    const { matchedIdentity: _b, ...o } = results.observations;
    process.stdout.write(
      `${JSON.stringify({ videoId: id, default: status.association, tracklets: t, observations: o }, null, 2)}\n`,
    );
  } else {
    const any = results[status.association];
    process.stdout.write(
      `video ${id}: ${any.frames} frames at ${status.plan.targetFps} fps, ${any.groundTruthBoxes} ground-truth boxes, ${any.identities} identities; ` +
        `detection recall ${any.recall.toFixed(3)}, precision ${any.precision.toFixed(3)}\n`,
    );
    process.stdout.write(
      formatTable(
        ['mode', 'entities', 'identities', 'ARI', 'purity', 'identities split', 'entities merging'],
        order.map((m) => {
          const r = results[m];
          return [
            `${m}${m === status.association ? ' (current)' : ''}`,
            r.entitiesMatched,
            r.identities,
            r.ari.toFixed(3),
            r.purity.toFixed(3),
            r.splitIdentityFraction.toFixed(2),
            r.mergingEntityFraction.toFixed(2),
          ];
        }),
      ),
    );
  }
  return results;
}
