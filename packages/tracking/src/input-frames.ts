import { boxProblem } from './box.js';
import type { TrackDetection } from './types.js';
import { normalised } from './vector.js';

/** The detections of one sampled frame, as indices into the input array. */
export interface InputFrame {
  frame: number;
  t: number;
  detections: number[];
}

/** Tolerance for detections of one frame carrying slightly different times (rounding in serialisation). */
const SAME_FRAME_TIME_TOLERANCE = 1e-6;

/** Thrown for input the tracker cannot use; the message names the detection and the problem. */
export class TrackingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrackingInputError';
  }
}

/**
 * Checks every detection and groups them by frame, frames in increasing order. Also returns the
 * embeddings L2-normalised (null where a detection has none).
 */
export function validateAndGroup<Id>(detections: readonly TrackDetection<Id>[]): {
  frames: InputFrame[];
  embeddings: (Float32Array | null)[];
  reids: (Float32Array | null)[];
} {
  const ids = new Set<Id>();
  const byFrame = new Map<number, InputFrame>();
  const embeddings: (Float32Array | null)[] = [];
  const reids: (Float32Array | null)[] = [];
  let dimension: number | undefined;
  let reidDimension: number | undefined;
  detections.forEach((d, i) => {
    const name = `detection ${i} (id ${String(d.id)})`;
    if (ids.has(d.id)) throw new TrackingInputError(`${name}: the id is used by another detection`);
    ids.add(d.id);
    if (!Number.isInteger(d.frame) || d.frame < 0) {
      throw new TrackingInputError(`${name}: frame must be a whole number ≥ 0, got ${d.frame}`);
    }
    if (!Number.isFinite(d.t))
      throw new TrackingInputError(`${name}: time t must be a finite number, got ${d.t}`);
    const problem = boxProblem(d.box);
    if (problem) throw new TrackingInputError(`${name}: the box ${problem}`);
    if (typeof d.label !== 'string' || d.label === '') {
      throw new TrackingInputError(`${name}: label must be a non-empty string`);
    }
    if (!(d.score >= 0 && d.score <= 1))
      throw new TrackingInputError(`${name}: score must be in [0, 1], got ${d.score}`);

    let embedding: Float32Array | null = null;
    if (d.embedding != null) {
      if (!(d.embedding instanceof Float32Array))
        throw new TrackingInputError(`${name}: embedding must be a Float32Array`);
      dimension ??= d.embedding.length;
      if (d.embedding.length !== dimension || dimension === 0) {
        throw new TrackingInputError(
          `${name}: embedding has ${d.embedding.length} dimensions, others ${dimension}`,
        );
      }
      embedding = normalised(d.embedding);
      if (!embedding) throw new TrackingInputError(`${name}: embedding is zero or not finite`);
    }
    embeddings.push(embedding);

    let reid: Float32Array | null = null;
    if (d.reid != null) {
      if (!(d.reid instanceof Float32Array))
        throw new TrackingInputError(`${name}: reid must be a Float32Array`);
      reidDimension ??= d.reid.length;
      if (d.reid.length !== reidDimension || reidDimension === 0) {
        throw new TrackingInputError(
          `${name}: reid has ${d.reid.length} dimensions, others ${reidDimension}`,
        );
      }
      reid = normalised(d.reid);
      if (!reid) throw new TrackingInputError(`${name}: reid is zero or not finite`);
    }
    reids.push(reid);

    const frame = byFrame.get(d.frame);
    if (!frame) {
      byFrame.set(d.frame, { frame: d.frame, t: d.t, detections: [i] });
    } else {
      if (Math.abs(frame.t - d.t) > SAME_FRAME_TIME_TOLERANCE) {
        throw new TrackingInputError(
          `${name}: frame ${d.frame} is at t = ${frame.t} s for other detections, ${d.t} s here`,
        );
      }
      frame.detections.push(i);
    }
  });
  const frames = [...byFrame.values()].sort((a, b) => a.frame - b.frame);
  for (let k = 1; k < frames.length; k++) {
    if (frames[k]!.t < frames[k - 1]!.t) {
      throw new TrackingInputError(
        `frame ${frames[k]!.frame} is at t = ${frames[k]!.t} s, before frame ${frames[k - 1]!.frame} at ${frames[k - 1]!.t} s`,
      );
    }
  }
  return { frames, embeddings, reids };
}
