import type { BoxXywh, TrackDetection } from '../../src/index.js';

/** An object moving at constant velocity: where its box is at time t. */
export interface Mover {
  name: string;
  label?: string;
  /** Box at t = 0. */
  box: BoxXywh;
  /** Centre velocity, pixels per second. */
  velocity: [number, number];
  /** Visible in [from, to) seconds. */
  from?: number;
  to?: number;
  embedding?: Float32Array;
}

export interface SceneDetection extends TrackDetection<string> {
  truth: string;
}

export function boxAt(m: Mover, t: number): BoxXywh {
  return [m.box[0] + m.velocity[0] * t, m.box[1] + m.velocity[1] * t, m.box[2], m.box[3]];
}

/**
 * Detections of movers sampled at `fps` for `seconds`; `skip(name, n)` true drops that object in
 * sample n, `score`/`label` override per sample. Ids are `${name}@${n}`.
 */
export function sampleScene(
  movers: readonly Mover[],
  fps: number,
  seconds: number,
  tweak: {
    skip?: (name: string, n: number) => boolean;
    score?: (name: string, n: number) => number;
    label?: (name: string, n: number) => string | undefined;
    time?: (n: number) => number;
  } = {},
): SceneDetection[] {
  const out: SceneDetection[] = [];
  for (let n = 0; n / fps < seconds; n++) {
    const t = tweak.time ? tweak.time(n) : n / fps;
    for (const m of movers) {
      if (t < (m.from ?? 0) || t >= (m.to ?? Infinity)) continue;
      if (tweak.skip?.(m.name, n)) continue;
      out.push({
        id: `${m.name}@${n}`,
        frame: n,
        t,
        box: boxAt(m, t),
        label: tweak.label?.(m.name, n) ?? m.label ?? 'person',
        score: tweak.score?.(m.name, n) ?? 0.9,
        embedding: m.embedding ?? null,
        truth: m.name,
      });
    }
  }
  return out;
}

/** The truth names of each tracklet's detections, as strings like "AAAA". */
export function trackletTruths(
  result: { tracklets: { detectionIds: string[] }[] },
  detections: readonly SceneDetection[],
): string[] {
  const truthOf = new Map(detections.map((d) => [d.id, d.truth]));
  return result.tracklets.map((t) => t.detectionIds.map((id) => truthOf.get(id)).join(''));
}

/** A unit vector along axis k of `dims` dimensions, plus a small share of axis (k + 1). */
export function unitEmbedding(dims: number, k: number, blend = 0): Float32Array {
  const v = new Float32Array(dims);
  v[k % dims] = 1;
  v[(k + 1) % dims] = blend;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
