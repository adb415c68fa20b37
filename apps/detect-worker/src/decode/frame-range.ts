/**
 * Sampling grid of a video: sample n is the frame on screen at t = n / fps seconds from the start.
 * A shard [start, end) holds samples ceil(start · fps) … ceil(end · fps) − 1, so consecutive shards
 * (the end of one is the start of the next) share no sample and leave none out.
 */

/** A rate as the fraction ffmpeg is given, so Node and ffmpeg place sample n at the same time. */
export interface Rational {
  num: number;
  den: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** fps as a reduced fraction with at most six decimals (29.97 → 2997/100, 2.5 → 5/2). */
export function toRational(fps: number): Rational {
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be a positive number, got ${fps}`);
  const den = 1_000_000;
  const num = Math.round(fps * den);
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

// Times such as 0.3 × 10 land a hair off an integer in floating point; they mean the integer.
const TOLERANCE = 1e-6;

export function sampleAtOrAfter(seconds: number, rate: Rational): number {
  return Math.max(0, Math.ceil((seconds * rate.num) / rate.den - TOLERANCE));
}

export interface FrameRange {
  /** First sample index of the shard. */
  first: number;
  /** Number of samples in the shard. */
  count: number;
}

export function shardFrameRange(startSeconds: number, endSeconds: number, fps: number): FrameRange {
  if (!(endSeconds > startSeconds)) {
    throw new RangeError(`shard end ${endSeconds} s must be after its start ${startSeconds} s`);
  }
  const rate = toRational(fps);
  const first = sampleAtOrAfter(startSeconds, rate);
  return { first, count: Math.max(0, sampleAtOrAfter(endSeconds, rate) - first) };
}

/** Seconds of sample n, rounded to the microsecond (what the detections file stores). */
export function sampleTime(n: number, fps: number): number {
  const rate = toRational(fps);
  return Number(((n * rate.den) / rate.num).toFixed(6));
}
