import { isMistake, mistakeKind, type MistakeKind, type Outcome } from './match.js';

/** A checking method's view of one detection. */
export interface Judgement {
  /** How sure the method is that the label is right (higher: surer); null: it cannot judge this one. */
  right: number | null;
  /** The class it would put instead (may be the detector's own), or null. */
  suggestion: string | null;
  /** What it calls a flagged label (methods that split mistakes only). */
  verdict?: 'correct' | 'wrong-class' | 'no-object';
}

/** One judged detection with what it really was (`ignored` ones are left out before scoring). */
export interface Scored {
  label: string;
  outcome: Exclude<Outcome, 'ignored'>;
  trueLabel: string | null;
  /** Best IoU with a ground-truth box of its own class (sorts no-object mistakes: `mistakeKind`). */
  ownIou: number;
  judgement: Judgement;
}

export interface Figures {
  detections: number;
  mistakes: number;
  /** Share of detections the method can judge. */
  checkable: number;
  flagged: number;
  /** Flags that point at a real mistake, over all flags (null: nothing flagged). */
  precision: number | null;
  /** Mistakes flagged, over all real mistakes (unjudged ones count as missed). */
  recall: number | null;
}

/** A detection is flagged when the method judges it and its `right` is below the threshold. */
export const flagged = (j: Judgement, threshold: number) => j.right !== null && j.right < threshold;

export function figures(rows: readonly Scored[], threshold: number): Figures {
  let mistakes = 0;
  let checkable = 0;
  let flags = 0;
  let hits = 0;
  for (const r of rows) {
    const mistake = isMistake(r.outcome);
    if (mistake) mistakes++;
    if (r.judgement.right !== null) checkable++;
    if (flagged(r.judgement, threshold)) {
      flags++;
      if (mistake) hits++;
    }
  }
  return {
    detections: rows.length,
    mistakes,
    checkable: rows.length ? checkable / rows.length : 0,
    flagged: flags,
    precision: flags ? hits / flags : null,
    recall: mistakes ? hits / mistakes : null,
  };
}

/** Of the wrong-class detections, the share whose suggestion is the true class (null: there are none). */
export function suggestionAccuracy(rows: readonly Scored[]): number | null {
  const wrong = rows.filter((r) => r.outcome === 'wrong-class');
  if (!wrong.length) return null;
  return wrong.filter((r) => r.judgement.suggestion === r.trueLabel).length / wrong.length;
}

/**
 * Of the flagged real mistakes, the share whose verdict names the kind of mistake (wrong class or
 * no object); null when the method gives no verdicts or flags no mistake.
 */
export function verdictAccuracy(rows: readonly Scored[], threshold: number): number | null {
  const hits = rows.filter(
    (r) => isMistake(r.outcome) && flagged(r.judgement, threshold) && r.judgement.verdict,
  );
  if (!hits.length) return null;
  return hits.filter((r) => r.judgement.verdict === r.outcome).length / hits.length;
}

export interface CurvePoint extends Figures {
  threshold: number;
}

/** Precision and recall at each threshold. */
export function curve(rows: readonly Scored[], thresholds: readonly number[]): CurvePoint[] {
  return thresholds.map((threshold) => ({ threshold, ...figures(rows, threshold) }));
}

/** Figures per detector class, for the classes with at least `minDetections` detections, most frequent first. */
export function perClass(
  rows: readonly Scored[],
  threshold: number,
  minDetections: number,
): (Figures & { label: string })[] {
  const byLabel = new Map<string, Scored[]>();
  for (const r of rows) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r]);
  return [...byLabel]
    .filter(([, rs]) => rs.length >= minDetections)
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([label, rs]) => ({ label, ...figures(rs, threshold) }));
}

export const MISTAKE_KINDS: readonly MistakeKind[] = ['wrong-class', 'loose-box', 'nothing-of-its-class'];

export interface KindFigures {
  kind: MistakeKind;
  mistakes: number;
  flagged: number;
  /** Share of this kind's mistakes flagged (null: there are none). */
  recall: number | null;
}

/** Recall split by the kind of mistake: which mistakes a method catches, and which it misses. */
export function recallByKind(rows: readonly Scored[], threshold: number): KindFigures[] {
  return MISTAKE_KINDS.map((kind) => {
    const of = rows.filter((r) => mistakeKind(r.outcome, r.ownIou) === kind);
    const hits = of.filter((r) => flagged(r.judgement, threshold)).length;
    return { kind, mistakes: of.length, flagged: hits, recall: of.length ? hits / of.length : null };
  });
}

/**
 * The highest recall a check of the label alone could reach, even a perfect one: a loose box's
 * label is right, so such a check never flags it (null: no mistakes).
 */
export function labelOnlyRecallBound(rows: readonly { outcome: Outcome; ownIou: number }[]): number | null {
  const kinds = rows.map((r) => mistakeKind(r.outcome, r.ownIou)).filter((k) => k !== null);
  if (!kinds.length) return null;
  return kinds.filter((k) => k !== 'loose-box').length / kinds.length;
}
