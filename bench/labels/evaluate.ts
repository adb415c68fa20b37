import type { Sample } from './collect.js';
import { injectedFlips } from './flips.js';
import type { CheckingMethod } from './methods.js';
import {
  curve,
  figures,
  perClass,
  suggestionAccuracy,
  type CurvePoint,
  type Figures,
  type Scored,
} from './metrics.js';

export interface MethodResult {
  name: string;
  threshold: number;
  /** Judging time per crop (ms), measured over the real detections. */
  msPerCrop: number;
  real: Figures & { suggestionAccuracy: number | null };
  perClass: (Figures & { label: string })[];
  curve: CurvePoint[];
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
  const started = performance.now();
  const judgements = await method.judge(judged.map((sample) => ({ sample, label: sample.label })));
  const msPerCrop = judged.length ? (performance.now() - started) / judged.length : 0;
  const rows: Scored[] = judged.map((s, i) => ({
    label: s.label,
    outcome: s.outcome as Scored['outcome'],
    trueLabel: s.trueLabel,
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
      judgement: flipJudgements[i]!,
    })),
  ];
  return {
    name: method.name,
    threshold: method.threshold,
    msPerCrop,
    real: { ...figures(rows, method.threshold), suggestionAccuracy: suggestionAccuracy(rows) },
    perClass: perClass(rows, method.threshold, FREQUENT),
    curve: curve(rows, method.thresholds),
    flips: figures(flipRows, method.threshold),
  };
}
