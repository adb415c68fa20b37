import { OutputShapeError, bestClass, tensorOf, type Candidate, type OutputDecoder } from '../candidates.js';

/** Expected value of a distance from its (regMax + 1) bins: softmax, then Σ i · p_i. */
function distance(data: Float32Array, offset: number, bins: number): number {
  let max = -Infinity;
  for (let i = 0; i < bins; i++) max = Math.max(max, data[offset + i]!);
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < bins; i++) {
    const e = Math.exp(data[offset + i]! - max);
    sum += e;
    weighted += i * e;
  }
  return weighted / sum;
}

/**
 * NanoDet (GFL head): per stride a [B, cells, C] score tensor (sigmoid applied) and a
 * [B, cells, 4 × (regMax + 1)] tensor of left/top/right/bottom distance distributions, in units of
 * the stride from the cell centre g · s + (s − 1) / 2.
 */
export function nanodetDecoder(spec: {
  strides: number[];
  scores: string[];
  boxes: string[];
  regMax: number;
}): OutputDecoder {
  const bins = spec.regMax + 1;
  return (outputs, b, ctx) => {
    const C = ctx.numClasses;
    const levels = spec.strides.map((s, i) => {
      const scores = tensorOf(outputs, spec.scores[i]!);
      const boxes = tensorOf(outputs, spec.boxes[i]!);
      const w = Math.ceil(ctx.inputWidth / s);
      const h = Math.ceil(ctx.inputHeight / s);
      const cells = w * h;
      if (
        scores.dims[1] !== cells ||
        scores.dims[2] !== C ||
        boxes.dims[1] !== cells ||
        boxes.dims[2] !== 4 * bins
      ) {
        throw new OutputShapeError(
          `NanoDet outputs of stride ${s} are [${scores.dims.join(', ')}] and [${boxes.dims.join(', ')}]; expected [B, ${cells}, ${C}] and [B, ${cells}, ${4 * bins}]`,
        );
      }
      return { s, w, cells, scores: scores.data, boxes: boxes.data };
    });
    const candidates: Candidate[] = [];
    let first = 0;
    const starts: number[] = [];
    for (const L of levels) {
      starts.push(first);
      const sBase = b * L.cells * C;
      const bBase = b * L.cells * 4 * bins;
      for (let j = 0; j < L.cells; j++) {
        const best = bestClass(L.scores, sBase + j * C, 1, C, ctx.allowed);
        if (best.classId < 0 || best.p < ctx.scoreThreshold) continue;
        const cx = (j % L.w) * L.s + (L.s - 1) / 2;
        const cy = Math.floor(j / L.w) * L.s + (L.s - 1) / 2;
        const o = bBase + j * 4 * bins;
        candidates.push({
          x1: cx - distance(L.boxes, o, bins) * L.s,
          y1: cy - distance(L.boxes, o + bins, bins) * L.s,
          x2: cx + distance(L.boxes, o + 2 * bins, bins) * L.s,
          y2: cy + distance(L.boxes, o + 3 * bins, bins) * L.s,
          score: best.p,
          classId: best.classId,
          anchor: first + j,
        });
      }
      first += L.cells;
    }
    return {
      candidates,
      classProbs: (a) => {
        let i = levels.length - 1;
        while (starts[i]! > a) i--;
        const L = levels[i]!;
        const o = b * L.cells * C + (a - starts[i]!) * C;
        return L.scores.subarray(o, o + C);
      },
    };
  };
}
