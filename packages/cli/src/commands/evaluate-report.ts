import type { IdentityEvaluation, VisitEvaluation } from '@orion/tracking';
import type { VideoStatus as Status } from '@orion/shared/api';
import type { AssociationMode as Mode } from '@orion/shared/vocabulary';
import { formatTable } from '../format.js';

// How `orion eval` prints its scores: a table per ground-truth format, or one JSON object.

/**
 * The tracking field's scores of one mode (entities as track ids), as fractions; null where the
 * ground truth has no boxes (visits), since they are all box-based.
 */
export interface TrackingScores {
  idf1: number | null;
  idp: number | null;
  idr: number | null;
  mota: number | null;
  idSwitches: number | null;
  fragmentations: number | null;
  hota: number | null;
  detA: number | null;
  assA: number | null;
  /** Entities holding a matched observation ÷ ground-truth identities (1 is right; > 1 split, < 1 merged). */
  entitiesPerIdentity: number;
}

const label = (mode: Mode, status: Status) => `${mode}${mode === status.association ? ' (current)' : ''}`;

/** `--json`: both modes' scores, without the per-observation lists. */
function printJson(id: string, status: Status, tracklets: object, observations: object): void {
  process.stdout.write(
    `${JSON.stringify({ videoId: id, default: status.association, embedding: status.embedding, tracklets, observations }, null, 2)}\n`,
  );
}

export function printMot(
  id: string,
  status: Status,
  order: Mode[],
  results: Record<Mode, IdentityEvaluation & TrackingScores>,
  json?: boolean,
): void {
  if (json) {
    const { matchedIdentity: _a, ...t } = results.tracklets;
    const { matchedIdentity: _b, ...o } = results.observations;
    return printJson(id, status, t, o);
  }
  const any = results[status.association];
  process.stdout.write(
    `video ${id}: ${any.frames} frames at ${status.plan.targetFps} fps, ${any.groundTruthBoxes} ground-truth boxes, ${any.identities} identities, ${status.embedding} vectors; ` +
      `detection recall ${any.recall.toFixed(3)}, precision ${any.precision.toFixed(3)}\n`,
  );
  process.stdout.write(
    formatTable(
      [...SCORE_COLUMNS, 'identities split', 'entities merging', ...TRACKING_COLUMNS],
      order.map((m) => {
        const r = results[m];
        return [
          ...scoreCells(label(m, status), r),
          r.splitIdentityFraction.toFixed(2),
          r.mergingEntityFraction.toFixed(2),
          ...trackingCells(r),
        ];
      }),
    ),
  );
  process.stdout.write(
    'IDF1, MOTA, ID switches, Frag and HOTA (DetA, AssA) take entities as track ids (MOTChallenge / TrackEval definitions, IoU ≥ 0.5; HOTA averaged over IoU 0.05…0.95)\n',
  );
}

/** The columns both ground-truth formats share, first in each table. */
const SCORE_COLUMNS = ['mode', 'entities', 'identities', 'entities ÷ identities', 'ARI', 'purity'];
function scoreCells(
  mode: string,
  r: { entitiesMatched: number; identities: number; ari: number; purity: number } & TrackingScores,
): (string | number)[] {
  return [
    mode,
    r.entitiesMatched,
    r.identities,
    r.entitiesPerIdentity.toFixed(2),
    r.ari.toFixed(3),
    r.purity.toFixed(3),
  ];
}

/** The tracking field's columns (MOT ground truth only). */
const TRACKING_COLUMNS = ['IDF1', 'IDP', 'IDR', 'MOTA', 'ID sw.', 'Frag', 'HOTA', 'DetA', 'AssA'];
function trackingCells(r: TrackingScores): string[] {
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  return [
    f(r.idf1),
    f(r.idp),
    f(r.idr),
    f(r.mota),
    String(r.idSwitches ?? '—'),
    String(r.fragmentations ?? '—'),
    f(r.hota),
    f(r.detA),
    f(r.assA),
  ];
}

export function printVisits(
  id: string,
  status: Status,
  order: Mode[],
  results: Record<Mode, VisitEvaluation & TrackingScores>,
  json?: boolean,
): void {
  if (json) {
    const { identityOf: _a, ...t } = results.tracklets;
    const { identityOf: _b, ...o } = results.observations;
    return printJson(id, status, t, o);
  }
  const any = results[status.association];
  process.stdout.write(
    `video ${id}: ${status.video.durationSeconds.toFixed(1)} s at ${status.plan.targetFps} fps, ${any.visits} visits of ${any.identities} identities, ${status.embedding} vectors; ` +
      `${any.observations} observations of the visits' classes, ${any.inVisits} in visits, ${any.outside} outside\n`,
  );
  process.stdout.write(
    formatTable(
      [...SCORE_COLUMNS, 'visits split', 'entities merging', 'returning reunited'],
      order.map((m) => {
        const r = results[m];
        return [
          ...scoreCells(label(m, status), r),
          `${r.splitVisits}/${r.visitsFound}`,
          `${r.mergingEntities}/${r.entitiesMatched}`,
          `${r.reunitedIdentities}/${r.returningIdentities}`,
        ];
      }),
    ),
  );
  process.stdout.write(
    'IDF1, MOTA, ID switches and HOTA do not apply: visits ground truth has no boxes to match (they are null in --json)\n',
  );
  // Each visit: its majority entity (share of the visit's observations) and how many entities it spans.
  process.stdout.write(
    formatTable(
      ['visit', 'seconds', 'observations', ...order.map((m) => `${m}: majority entity (share), entities`)],
      any.perVisit.map((v, k) => [
        `${v.identity} (${v.label})`,
        `${v.start}–${v.end}`,
        v.observations,
        ...order.map((m) => {
          const s = results[m].perVisit[k]!;
          if (s.majorityEntity === null) return '—';
          const noise = s.entities.find((e) => e.entity === null)?.observations ?? 0;
          const entities = s.entities.filter((e) => e.entity !== null).length;
          return `${s.majorityEntity} (${s.majorityShare.toFixed(2)}), ${entities}${noise ? ` + ${noise} noise` : ''}`;
        }),
      ]),
    ),
  );
}
