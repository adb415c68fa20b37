import {
  OutputShapeError,
  bestClass,
  gather,
  tensorOf,
  type Candidate,
  type OutputDecoder,
} from '../candidates.js';

/**
 * YOLOv8-style (Ultralytics export): one output [B, 4 + C, N] with cx, cy, w, h in input pixels and
 * C class scores (no objectness). Some exports transpose it to [B, N, 4 + C]; both are read.
 */
export function yolov8Decoder(spec: { name: string }): OutputDecoder {
  return (outputs, b, ctx) => {
    const { data, dims } = tensorOf(outputs, spec.name);
    const attrs = 4 + ctx.numClasses;
    if (dims.length !== 3 || (dims[1] !== attrs && dims[2] !== attrs)) {
      throw new OutputShapeError(
        `YOLOv8 output "${spec.name}" is [${dims.join(', ')}]; with ${ctx.numClasses} labels it should be [B, ${attrs}, N] or [B, N, ${attrs}]`,
      );
    }
    const channelsFirst = dims[1] === attrs;
    const n = channelsFirst ? dims[2]! : dims[1]!;
    const base = b * attrs * n;
    // Attribute k of anchor i sits at base + k·n + i (channels first) or base + i·attrs + k.
    const at = channelsFirst
      ? (i: number, k: number) => base + k * n + i
      : (i: number, k: number) => base + i * attrs + k;
    const step = channelsFirst ? n : 1;
    const candidates: Candidate[] = [];
    for (let i = 0; i < n; i++) {
      const best = bestClass(data, at(i, 4), step, ctx.numClasses, ctx.allowed);
      if (best.classId < 0 || best.p < ctx.scoreThreshold) continue;
      const cx = data[at(i, 0)]!;
      const cy = data[at(i, 1)]!;
      const hw = data[at(i, 2)]! / 2;
      const hh = data[at(i, 3)]! / 2;
      candidates.push({
        x1: cx - hw,
        y1: cy - hh,
        x2: cx + hw,
        y2: cy + hh,
        score: best.p,
        classId: best.classId,
        anchor: i,
      });
    }
    return { candidates, classProbs: (i) => gather(data, at(i, 4), step, ctx.numClasses) };
  };
}
