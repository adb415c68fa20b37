import type { SecondLook } from '@orion/detector';
import {
  FEATURES,
  featureVector,
  fitLogistic,
  predictLogistic,
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

  constructor(
    private readonly model: EmbeddingModel,
    private readonly look: SecondLook,
    private readonly candidates: readonly string[],
  ) {}

  get msPerItem(): number {
    return this.count ? this.ms / this.count : 0;
  }

  async get(items: readonly CheckItem[]): Promise<Gathered[]> {
    const missing = items.filter((it) => !this.cache.get(it.sample)?.has(it.label));
    if (missing.length) {
      const started = performance.now();
      const gathered = await gatherEvidence(missing, this.model, this.look, this.candidates);
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

/**
 * The suggestion: the second detector's best class there when it differs from the label, else
 * the embedding model's, else the detector's next-best class.
 */
export function suggestionOf(g: Gathered): string | null {
  const { label, second } = g.evidence;
  if (second?.bestLabel && second.bestLabel !== label) return second.bestLabel;
  if (g.embeddingSuggestion && g.embeddingSuggestion !== label) return g.embeddingSuggestion;
  return g.detectorNext;
}

/**
 * The calibrated probability that the label is right (logistic regression on every piece of
 * evidence), cross-validated over images: `folds` models, each fitted on the real detections of
 * the other folds' images, each detection scored by the model that never saw its image.
 */
export function calibrated(
  cache: EvidenceCache,
  options: { threshold: number; folds: number; without?: EvidenceGroup },
): CheckingMethod & { train(items: readonly CheckItem[]): Promise<void> } {
  const keep = FEATURES.map((f, j) => (f.group === options.without ? -1 : j)).filter((j) => j >= 0);
  const features = (g: Gathered) => {
    const v = featureVector(g.evidence);
    return keep.map((j) => v[j]!);
  };
  const foldOf = (s: Sample) => s.image % options.folds;
  let models: LogisticModel[] = [];
  return {
    name: options.without
      ? `calibrated, without ${options.without} (CV)`
      : `calibrated probability, ${options.folds}-fold CV over images (flag below ${options.threshold})`,
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
      return items.map((it, i) => ({
        right: predictLogistic(models[foldOf(it.sample)]!, features(gathered[i]!)),
        suggestion: suggestionOf(gathered[i]!),
      }));
    },
  };
}
