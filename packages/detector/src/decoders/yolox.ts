import { OutputShapeError, bestClass, tensorOf, type Candidate, type OutputDecoder } from '../candidates.js';

/**
 * YOLOX: one [B, Σ cells, 5 + C] output over the grids of every stride (in stride order, each row
 * major). Per row dx, dy, log w, log h, objectness, C class probabilities (sigmoid already applied);
 * cx = (dx + gx) · s, w = e^(log w) · s, and score = objectness × class probability.
 */
export function yoloxDecoder(spec: { name: string; strides: number[] }): OutputDecoder {
  return (outputs, b, ctx) => {
    const { data, dims } = tensorOf(outputs, spec.name);
    const grids = spec.strides.map((s) => ({
      s,
      w: Math.ceil(ctx.inputWidth / s),
      h: Math.ceil(ctx.inputHeight / s),
    }));
    const rows = grids.reduce((n, g) => n + g.w * g.h, 0);
    const width = 5 + ctx.numClasses;
    if (dims.length !== 3 || dims[1] !== rows || dims[2] !== width) {
      throw new OutputShapeError(
        `YOLOX output "${spec.name}" is [${dims.join(', ')}]; for a ${ctx.inputWidth}×${ctx.inputHeight} input, strides ${spec.strides.join('/')} and ${ctx.numClasses} labels it should be [B, ${rows}, ${width}]`,
      );
    }
    const base = b * rows * width;
    const candidates: Candidate[] = [];
    let anchor = 0;
    for (const g of grids) {
      for (let gy = 0; gy < g.h; gy++) {
        for (let gx = 0; gx < g.w; gx++, anchor++) {
          const r = base + anchor * width;
          const objectness = data[r + 4]!;
          // score = objectness × p ≤ objectness: most rows end here.
          if (objectness < ctx.scoreThreshold) continue;
          const best = bestClass(data, r + 5, 1, ctx.numClasses, ctx.allowed);
          const score = objectness * best.p;
          if (best.classId < 0 || score < ctx.scoreThreshold) continue;
          const cx = (data[r]! + gx) * g.s;
          const cy = (data[r + 1]! + gy) * g.s;
          const hw = (Math.exp(data[r + 2]!) * g.s) / 2;
          const hh = (Math.exp(data[r + 3]!) * g.s) / 2;
          candidates.push({
            x1: cx - hw,
            y1: cy - hh,
            x2: cx + hw,
            y2: cy + hh,
            score,
            classId: best.classId,
            anchor,
          });
        }
      }
    }
    return {
      candidates,
      classProbs: (a) => data.subarray(base + a * width + 5, base + (a + 1) * width),
    };
  };
}
