import type { Sample } from './collect.js';
import { injectedFlips } from './flips.js';
import type { CheckingMethod } from './methods.js';
import {
  curve,
  figures,
  perClass,
  recallByKind,
  suggestionAccuracy,
  verdictAccuracy,
  type CurvePoint,
  type Figures,
  type KindFigures,
  type Scored,
} from './metrics.js';

export interface MethodResult {
  name: string;
  threshold: number;
  /** Judging time per crop (ms), measured over the real detections. */
  msPerCrop: number;
  real: Figures & { suggestionAccuracy: number | null; verdictAccuracy: number | null };
  perClass: (Figures & { label: string })[];
  /** Recall by kind of mistake at the method's threshold. */
  byKind: KindFigures[];
  curve: CurvePoint[];
  /** The best precision over the curve's points with recall ≥ 0.6 (null: none reaches it). */
  precisionAtRecall60: { threshold: number; precision: number; recall: number } | null;
  /** Correct detections plus each of them under a flipped label. */
  flips: Figures;
}

/** Classes with at least this many judged detections get their own row. */
const FREQUENT = 15;

export async function evaluate(
  method: CheckingMethod,
  samples: readonly Sample[],
  labels: readonly string[],
): Promise<MethodResult> {
  const judged = samples.filter((s) => s.outcome !== 'ignored');
  const real = judged.map((sample) => ({ sample, label: sample.label }));
  if (method.train) await method.train(real);
  const started = performance.now();
  const judgements = await method.judge(real);
  const judgeMs = judged.length ? (performance.now() - started) / judged.length : 0;
  const msPerCrop = method.msPerCrop ? method.msPerCrop() + judgeMs : judgeMs;
  const rows: Scored[] = judged.map((s, i) => ({
    label: s.label,
    outcome: s.outcome as Scored['outcome'],
    trueLabel: s.trueLabel,
    ownIou: s.ownIou,
    judgement: judgements[i]!,
  }));

  const flipItems = injectedFlips(judged, labels);
  const flipJudgements = await method.judge(flipItems);
  const flipRows: Scored[] = [
    ...rows.filter((r) => r.outcome === 'correct'),
    ...flipItems.map((f, i) => ({
      label: f.label,
      outcome: 'wrong-class' as const,
      trueLabel: f.sample.label,
      ownIou: 0,
      judgement: flipJudgements[i]!,
    })),
  ];
  const points = curve(rows, method.thresholds);
  return {
    name: method.name,
    threshold: method.threshold,
    msPerCrop,
    real: {
      ...figures(rows, method.threshold),
      suggestionAccuracy: suggestionAccuracy(rows),
      verdictAccuracy: verdictAccuracy(rows, method.threshold),
    },
    perClass: perClass(rows, method.threshold, FREQUENT),
    byKind: recallByKind(rows, method.threshold),
    curve: points,
    precisionAtRecall60: bestAtRecall(points, 0.6),
    flips: figures(flipRows, method.threshold),
  };
}

function bestAtRecall(points: readonly CurvePoint[], recall: number): MethodResult['precisionAtRecall60'] {
  let best: MethodResult['precisionAtRecall60'] = null;
  for (const p of points) {
    if (p.recall === null || p.recall < recall || p.precision === null) continue;
    if (!best || p.precision > best.precision)
      best = { threshold: p.threshold, precision: p.precision, recall: p.recall };
  }
  return best;
}
