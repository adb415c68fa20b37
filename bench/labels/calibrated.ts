import type { SecondLook } from '@orion/detector';
import {
  FEATURES,
  featureVector,
  fitLogistic,
  predictLogistic,
  selectFeatures,
  EVIDENCE_GROUPS,
  suggestClass,
  verdictOf,
  type EmbeddingModel,
  type EvidenceGroup,
  type LogisticModel,
} from '@orion/embeddings';
import type { Sample } from './collect.js';
import { gatherEvidence, type Gathered } from './evidence.js';
import type { CheckItem, CheckingMethod } from './methods.js';
import type { Judgement } from './metrics.js';

/** Evidence gathered once per (detection, label), shared by the full model and its ablations. */
export class EvidenceCache {
  private readonly cache = new Map<Sample, Map<string, Gathered>>();
  /** Gathering time per item (ms), over every item gathered. */
  private ms = 0;
  private count = 0;
  private readonly frames = new Map<number, Sample[]>();

  constructor(
    private readonly model: EmbeddingModel,
    private readonly look: SecondLook,
    private readonly candidates: readonly string[],
    /** Every detection of the set, for each one's frame context. */
    samples: readonly Sample[],
  ) {
    for (const s of samples) this.frames.set(s.image, [...(this.frames.get(s.image) ?? []), s]);
  }

  get msPerItem(): number {
    return this.count ? this.ms / this.count : 0;
  }

  async get(items: readonly CheckItem[]): Promise<Gathered[]> {
    const missing = items.filter((it) => !this.cache.get(it.sample)?.has(it.label));
    if (missing.length) {
      const started = performance.now();
      const gathered = await gatherEvidence(missing, this.model, this.look, this.candidates, this.frames);
      this.ms += performance.now() - started;
      this.count += missing.length;
      missing.forEach((it, i) => {
        const byLabel = this.cache.get(it.sample) ?? new Map<string, Gathered>();
        byLabel.set(it.label, gathered[i]!);
        this.cache.set(it.sample, byLabel);
      });
    }
    return items.map((it) => this.cache.get(it.sample)!.get(it.label)!);
  }
}

/** The label check's suggestion rule (@orion/embeddings' `suggestClass`). */
export const suggestionOf = (g: Gathered): string | null =>
  suggestClass(g.evidence, { embedding: g.embeddingSuggestion, detectorNext: g.detectorNext });

/**
 * The evidence groups of the default model: all but the second look, which adds no precision to
 * the flag (see the ablation) and so runs on flagged crops only, for their suggestion and verdict.
 */
export const MODEL_GROUPS: readonly EvidenceGroup[] = EVIDENCE_GROUPS.filter((g) => g !== 'second');

/**
 * The calibrated probability that the label is right (logistic regression on the evidence of
 * `groups`), cross-validated over images: `folds` models, each fitted on the real detections of
 * the other folds' images, each detection scored by the model that never saw its image. As in the
 * embed stage, suggestion and verdict use the second look on flagged detections only.
 */
export function calibrated(
  cache: EvidenceCache,
  options: { threshold: number; folds: number; groups?: readonly EvidenceGroup[]; name?: string },
): CheckingMethod & { train(items: readonly CheckItem[]): Promise<void> } {
  const groups = options.groups ?? MODEL_GROUPS;
  const names = FEATURES.filter((f) => groups.includes(f.group)).map((f) => f.name);
  const features = (g: Gathered) => selectFeatures(featureVector(g.evidence), names);
  const foldOf = (s: Sample) => s.image % options.folds;
  let models: LogisticModel[] = [];
  return {
    name:
      options.name ??
      `calibrated probability, ${options.folds}-fold CV over images (flag below ${options.threshold})`,
    threshold: options.threshold,
    thresholds: [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9],
    msPerCrop: () => cache.msPerItem,
    async train(items) {
      const gathered = await cache.get(items);
      const x = gathered.map(features);
      const y = items.map((it) => (it.sample.outcome === 'correct' ? 1 : 0));
      models = Array.from({ length: options.folds }, (_, f) => {
        const rows = items.map((it, i) => i).filter((i) => foldOf(items[i]!.sample) !== f);
        return fitLogistic(
          rows.map((i) => x[i]!),
          rows.map((i) => y[i]!),
        );
      });
    },
    async judge(items): Promise<Judgement[]> {
      if (!models.length) throw new Error('calibrated: train before judging');
      const gathered = await cache.get(items);
      return items.map((it, i) => {
        const right = predictLogistic(models[foldOf(it.sample)]!, features(gathered[i]!));
        const isMatch = right >= options.threshold;
        const g = gathered[i]!;
        // The second look is only there for flagged ones (unless the model itself uses it).
        const seen =
          isMatch && !groups.includes('second') ? { ...g, evidence: { ...g.evidence, second: null } } : g;
        return { right, suggestion: suggestionOf(seen), verdict: verdictOf(seen.evidence, isMatch) };
      });
    },
  };
}
