import type { MotionNoise } from './kalman-box.js';
import { CHI2_4DOF_99 } from './kalman-box.js';

/**
 * Settings of the tracklet builder. Times are in seconds, never in frames, so the same values hold
 * for any sampling rate; the defaults are tuned for sampling at 2–10 fps and also hold at 25 fps
 * (packages/tracking/README.md shows the measurements).
 */
export interface TrackerOptions {
  /** Detections scoring at least this take part in the first association and may start tracks. Default 0.5. */
  highScore: number;
  /**
   * Detections scoring in [lowScore, highScore) only extend tracks that were matched on the previous
   * sample (ByteTrack's second pass: occluded objects score low); unmatched, they stay single-detection
   * tracklets. Set it equal to `highScore` to turn the pass off. Default 0.1.
   */
  lowScore: number;
  /** Unmatched detections scoring at least this start a track. Default 0.6. */
  newTrackScore: number;
  /** Consecutive matched samples that confirm a new track; an unconfirmed track ends at its first miss. Default 2. */
  minHits: number;
  /** A confirmed track that has not been matched for longer than this ends. Default 1.5 s. */
  maxLostSeconds: number;
  /**
   * Share of the pair cost given to appearance (cosine distance of embeddings) when the track and the
   * detection both have one; the rest goes to motion (the Mahalanobis distance over its gate). Default 0.3.
   */
  appearanceWeight: number;
  /**
   * `appearanceWeight` for pairs compared by re-id vectors (a track and a detection that both have
   * one). Default 0.5 (docs/clustering.md shows how it was measured).
   */
  reidAppearanceWeight: number;
  /** `maxAppearanceDistance` for pairs compared by re-id vectors. Default 0.5. */
  reidMaxAppearanceDistance: number;
  /**
   * The re-id gate for a coasting (lost) track: after a miss its predicted box has spread, so a
   * neighbour walking beside it passes the motion gate and appearance must decide. Default 0.3.
   */
  reidLostMaxAppearanceDistance: number;
  /** A first-pass pair is only made below this cost (motion, or motion and appearance mixed). Default 0.75. */
  matchThreshold: number;
  /** A second-pass (low-score) pair is only made below this motion cost. Default 0.5. */
  lowScoreMatchThreshold: number;
  /**
   * Gate: pairs whose squared Mahalanobis distance from the track's predicted box exceeds this are
   * never made. Default 13.28, the chi-square 99 % quantile for the four box coordinates.
   */
  maxMahalanobis: number;
  /** Gate: pairs with a cosine distance (1 − cos) of their embeddings above this are never made. Default 0.6. */
  maxAppearanceDistance: number;
  /**
   * Added to the cost when a detection's class differs from the track's majority class, so that a
   * class the detector flips for a sample or two stays in the tracklet (and can be flagged);
   * `null` forbids pairs across classes altogether. Default 0.2.
   */
  classSwitchCost: number | null;
  /** Time constant of the track's running appearance (exponential average over time). Default 1 s. */
  appearanceMemorySeconds: number;
  /** Noise of the constant-velocity box model (see MotionNoise). */
  motion: MotionNoise;
}

export const DEFAULT_MOTION_NOISE: Readonly<MotionNoise> = Object.freeze({
  measurement: 0.07,
  widthMeasurement: 0.2,
  heightMeasurement: 0.1,
  initialVelocity: 1.5,
  initialSizeVelocity: 0.2,
  acceleration: 0.5,
  sizeAcceleration: 0.2,
});

export const DEFAULT_TRACKER_OPTIONS: Readonly<TrackerOptions> = Object.freeze({
  highScore: 0.5,
  lowScore: 0.1,
  newTrackScore: 0.6,
  minHits: 2,
  maxLostSeconds: 1.5,
  appearanceWeight: 0.3,
  reidAppearanceWeight: 0.5,
  reidMaxAppearanceDistance: 0.5,
  reidLostMaxAppearanceDistance: 0.3,
  matchThreshold: 0.75,
  lowScoreMatchThreshold: 0.5,
  maxMahalanobis: CHI2_4DOF_99,
  maxAppearanceDistance: 0.6,
  classSwitchCost: 0.2,
  appearanceMemorySeconds: 1,
  motion: DEFAULT_MOTION_NOISE,
});

export type TrackerOptionsInput = Partial<Omit<TrackerOptions, 'motion'>> & { motion?: Partial<MotionNoise> };

/** Defaults filled in and every value checked; a bad value is a RangeError naming the option. */
export function resolveTrackerOptions(input: TrackerOptionsInput = {}): TrackerOptions {
  const o: TrackerOptions = {
    ...DEFAULT_TRACKER_OPTIONS,
    ...definedOnly(input),
    motion: { ...DEFAULT_MOTION_NOISE, ...definedOnly(input.motion ?? {}) },
  };
  inRange('highScore', o.highScore, 0, 1);
  inRange('lowScore', o.lowScore, 0, o.highScore);
  inRange('newTrackScore', o.newTrackScore, 0, 1);
  if (!Number.isInteger(o.minHits) || o.minHits < 1) fail('minHits', o.minHits, 'a whole number ≥ 1');
  positive('maxLostSeconds', o.maxLostSeconds, true);
  inRange('appearanceWeight', o.appearanceWeight, 0, 1);
  inRange('reidAppearanceWeight', o.reidAppearanceWeight, 0, 1);
  inRange('reidMaxAppearanceDistance', o.reidMaxAppearanceDistance, 0, 2);
  inRange('reidLostMaxAppearanceDistance', o.reidLostMaxAppearanceDistance, 0, 2);
  positive('matchThreshold', o.matchThreshold);
  positive('lowScoreMatchThreshold', o.lowScoreMatchThreshold);
  positive('maxMahalanobis', o.maxMahalanobis);
  inRange('maxAppearanceDistance', o.maxAppearanceDistance, 0, 2);
  if (o.classSwitchCost !== null) positive('classSwitchCost', o.classSwitchCost, true);
  positive('appearanceMemorySeconds', o.appearanceMemorySeconds);
  for (const [key, value] of Object.entries(o.motion)) positive(`motion.${key}`, value as number);
  return o;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function fail(name: string, value: unknown, expected: string): never {
  throw new RangeError(`tracker option ${name} must be ${expected}, got ${String(value)}`);
}

function inRange(name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !(value >= min && value <= max))
    fail(name, value, `a number in [${min}, ${max}]`);
}

function positive(name: string, value: number, zeroAllowed = false): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && (zeroAllowed ? value >= 0 : value > 0);
  if (!ok) fail(name, value, zeroAllowed ? 'a finite number ≥ 0' : 'a finite number > 0');
}
