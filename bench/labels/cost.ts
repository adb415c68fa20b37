import { DEFAULT_SECOND_LOOK, SecondLook } from '@orion/detector';
import type { EmbeddingModel } from '@orion/embeddings';
import type { Sample } from './collect.js';

export interface CostRow {
  what: string;
  msPerCrop: number;
  /** Over today's embed-stage check (the embedding model's analyze with verification). */
  ratio: number;
}

/**
 * The cost per crop of today's check (the embed stage's `analyze`: decode, MobileNetV2, label
 * probabilities) and of the second look at each mosaic size, measured back to back in rounds on
 * the same crops (best of `rounds`), so that a busy shared machine weighs on all alike.
 */
export async function measureCosts(
  samples: readonly Sample[],
  model: EmbeddingModel,
  candidates: readonly string[],
  opts: { modelsDir: string; threads: number; grids: number[]; rounds: number },
): Promise<CostRow[]> {
  const looks = await Promise.all(
    opts.grids.map((grid) =>
      SecondLook.load({
        ...DEFAULT_SECOND_LOOK,
        grid,
        modelsDir: opts.modelsDir,
        executionProvider: 'cpu',
        intraOpThreads: opts.threads,
      }),
    ),
  );
  const time = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return (performance.now() - started) / samples.length;
  };
  const analyze = async () => {
    for (let i = 0; i < samples.length; i += model.batchSize) {
      const batch = samples.slice(i, i + model.batchSize);
      await model.analyze(
        batch.map((s) => ({ image: s.jpeg, className: s.label })),
        { verifyThreshold: 0.3, candidates },
      );
    }
  };
  const items = samples.map((s) => ({ jpeg: s.jpeg, box: s.cropBox, label: s.label }));
  const best = [Infinity, ...looks.map(() => Infinity)];
  try {
    for (let r = 0; r < opts.rounds; r++) {
      best[0] = Math.min(best[0]!, await time(analyze));
      for (const [k, look] of looks.entries())
        best[k + 1] = Math.min(best[k + 1]!, await time(() => look.look(items)));
    }
  } finally {
    await Promise.all(looks.map((l) => l.close()));
  }
  const base = best[0]!;
  return [
    { what: "today's check (embedding analyze + verification)", msPerCrop: base, ratio: 1 },
    ...opts.grids.map((g, k) => ({
      what: `second look, NanoDet-m ${g}×${g} crops per 416 run (${Math.floor(416 / g)} px a crop)`,
      msPerCrop: best[k + 1]!,
      ratio: best[k + 1]! / base,
    })),
  ];
}
