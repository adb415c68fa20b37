import type { SecondLook } from '@orion/detector';
import type { EmbeddingModel } from '@orion/embeddings';
import { detectorNextClass, detectorRunnerUp, frameContext, type LabelEvidence } from '@orion/embeddings';
import type { CheckItem } from './methods.js';

/** The evidence of one item, and the classes each source would put instead. */
export interface Gathered {
  evidence: LabelEvidence;
  embeddingSuggestion: string | null;
  detectorNext: string | null;
}

/** The detector's score for a label: its own score, or a flipped label's estimate from the top 5. */
export function detectorScoreFor(item: CheckItem, labels: readonly string[]): number {
  const { sample, label } = item;
  if (label === sample.label) return sample.score;
  const own = sample.top5.find((t) => labels[t.class] === sample.label)?.p;
  const p = sample.top5.find((t) => labels[t.class] === label)?.p;
  return p !== undefined && own ? (p * sample.score) / own : 0;
}

/** Every piece of evidence for each item: the embedding model, the second look, the detector and box. */
export async function gatherEvidence(
  items: readonly CheckItem[],
  model: EmbeddingModel,
  look: SecondLook,
  candidates: readonly string[],
  /** Every detection of each image (by `Sample.image`): the frame context's source. */
  frames: ReadonlyMap<number, readonly CheckItem['sample'][]>,
): Promise<Gathered[]> {
  const embedded: { p: number | null; suggestion: string | null }[] = [];
  for (let i = 0; i < items.length; i += model.batchSize) {
    const batch = items.slice(i, i + model.batchSize);
    const results = await model.analyze(
      batch.map((it) => ({ image: it.sample.jpeg, className: it.label })),
      { verifyThreshold: 0.5, candidates },
    );
    for (const r of results)
      embedded.push({ p: r.verification!.probability, suggestion: r.verification!.suggestedClass });
  }
  const views = await look.look(
    items.map((it) => ({ jpeg: it.sample.jpeg, box: it.sample.cropBox, label: it.label })),
  );
  return items.map((item, i) => {
    return {
      evidence: {
        label: item.label,
        detectorScore: detectorScoreFor(item, candidates),
        detectorRunnerUp: detectorRunnerUp(item.sample.top5, candidates, item.label),
        box: item.sample.box,
        frameWidth: item.sample.imageWidth,
        frameHeight: item.sample.imageHeight,
        embeddingProbability: embedded[i]!.p,
        second: views[i]!,
        frame: frameContext(item.sample, frames.get(item.sample.image) ?? [], item.label),
      },
      embeddingSuggestion: embedded[i]!.suggestion,
      detectorNext: detectorNextClass(item.sample.top5, candidates, item.label),
    };
  });
}
