import type { EmbeddingModel } from '@orion/embeddings';
import type { SecondLook } from '@orion/detector';
import type { Sample } from './collect.js';
import type { Judgement } from './metrics.js';

/** A detection to check under a given label (its own, or an injected flip). */
export interface CheckItem {
  sample: Sample;
  label: string;
}

/** A way of judging whether a detection's label is right. */
export interface CheckingMethod {
  name: string;
  /** Flag below this `right` (the method's operating point in the summary). */
  threshold: number;
  /** Thresholds of its precision–recall curve. */
  thresholds: number[];
  judge(items: readonly CheckItem[]): Promise<Judgement[]>;
  /** Methods fitted on the data: called with the real detections first (cross-validated ones keep images apart). */
  train?(items: readonly CheckItem[]): Promise<void>;
  /** Its cost per crop when judging time alone does not show it (evidence gathered while training). */
  msPerCrop?(): number;
}

const steps = (from: number, to: number, step: number) =>
  Array.from(
    { length: Math.round((to - from) / step) + 1 },
    (_, i) => Math.round((from + i * step) * 1000) / 1000,
  );

/**
 * Today's check: the embedding model's probability for the class among the detector's labels
 * (the embed stage's `analyze`), a mismatch below VERIFY_THRESHOLD; null where the model cannot
 * judge the class (the vision backend's unverifiable classes).
 */
export function embeddingVerification(
  model: EmbeddingModel,
  candidates: readonly string[],
  threshold: number,
): CheckingMethod {
  return {
    name: `${model.backend} verification (VERIFY_THRESHOLD ${threshold})`,
    threshold,
    thresholds: steps(0.05, 0.95, 0.05),
    async judge(items) {
      const out: Judgement[] = [];
      for (let i = 0; i < items.length; i += model.batchSize) {
        const batch = items.slice(i, i + model.batchSize);
        const results = await model.analyze(
          batch.map((it) => ({ image: it.sample.jpeg, className: it.label })),
          { verifyThreshold: threshold, candidates },
        );
        for (const r of results) {
          const v = r.verification!;
          out.push({ right: v.probability, suggestion: v.suggestedClass });
        }
      }
      return out;
    },
  };
}

/**
 * The detector's own score for the label: its score for its own class; for another (flipped)
 * label, that class's probability from the top 5 times the box's objectness (0 outside the top 5).
 * Suggests the detector's next-best class.
 */
export function detectorScore(labels: readonly string[], threshold: number): CheckingMethod {
  return {
    name: `detector score alone (flag below ${threshold})`,
    threshold,
    thresholds: steps(0.3, 0.95, 0.05),
    judge(items) {
      return Promise.resolve(
        items.map(({ sample, label }) => {
          const own = sample.top5.find((t) => labels[t.class] === sample.label)?.p;
          const p = sample.top5.find((t) => labels[t.class] === label)?.p;
          const right =
            label === sample.label ? sample.score : p !== undefined && own ? (p * sample.score) / own : 0;
          const next = sample.top5.find((t) => labels[t.class] !== label);
          return { right, suggestion: next ? labels[next.class]! : null };
        }),
      );
    },
  };
}

/**
 * A second detector's look at the stored crop: its best score for the label on a box overlapping
 * the detection; suggests its best class there.
 */
export function secondLook(look: SecondLook, threshold: number): CheckingMethod {
  return {
    name: `second look (NanoDet-m, ${look.grid}×${look.grid} crops per run; flag below ${threshold})`,
    threshold,
    thresholds: steps(0.05, 0.95, 0.05),
    async judge(items) {
      const views = await look.look(
        items.map(({ sample, label }) => ({ jpeg: sample.jpeg, box: sample.cropBox, label })),
      );
      return views.map((v) => ({ right: v.sameClassScore, suggestion: v.bestLabel }));
    },
  };
}
