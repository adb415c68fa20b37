import type { BoxXywh } from './box.js';

/**
 * Noise of the constant-velocity box model. Every standard deviation is relative to the box's own
 * size (its width for the centre x and the width, its height for the centre y and the height), so one
 * setting fits near and far objects alike; rates are per second, so it fits any sampling rate.
 */
export interface MotionNoise {
  /** Measurement noise of the centre, as a share of the box size. */
  measurement: number;
  /**
   * Measurement noise of the width, as a share of it: larger than the centre's, because the width of a
   * walking person's box follows arms and legs (ByteTrack's loose aspect-ratio noise, in other words).
   */
  widthMeasurement: number;
  /** Measurement noise of the height, as a share of it: heights are steadier, and tell people at different depths apart. */
  heightMeasurement: number;
  /** Prior uncertainty of a new track's centre velocity, in box sizes per second. */
  initialVelocity: number;
  /** Prior uncertainty of a new track's size velocity (growth), in box sizes per second. */
  initialSizeVelocity: number;
  /** Random acceleration of the centre (white-noise acceleration density), in sizes per s^1.5. */
  acceleration: number;
  /** Random acceleration of the size, in sizes per s^1.5. */
  sizeAcceleration: number;
}

/** The chi-square 0.99 quantile with four degrees of freedom: a gate for the 4-D box innovation. */
export const CHI2_4DOF_99 = 13.2767;

const AXES = 4; // centre x, centre y, width, height

/**
 * A constant-velocity Kalman filter on (cx, cy, w, h) with their velocities, as in SORT/ByteTrack but
 * in continuous time: predictions take the real time step, so irregular sampling and gaps are handled.
 * With diagonal noise the 8-D filter splits exactly into four independent (position, velocity) filters,
 * one per axis, which is what is stored: value, velocity and the 2×2 covariance of each axis.
 */
export class KalmanBox {
  private readonly x = new Float64Array(AXES);
  private readonly v = new Float64Array(AXES);
  private readonly pxx = new Float64Array(AXES);
  private readonly pxv = new Float64Array(AXES);
  private readonly pvv = new Float64Array(AXES);

  constructor(
    box: BoxXywh,
    private readonly noise: MotionNoise,
  ) {
    const z = measurement(box);
    for (let i = 0; i < AXES; i++) {
      const s = this.scale(i, z);
      const velocity = i < 2 ? noise.initialVelocity : noise.initialSizeVelocity;
      this.x[i] = z[i]!;
      this.pxx[i] = (2 * this.measurementStd(i, s)) ** 2;
      this.pvv[i] = (velocity * s) ** 2;
    }
  }

  /** Advances the state by `dt` seconds (≥ 0). */
  predict(dt: number): void {
    if (dt <= 0) return;
    const sizes = this.x;
    for (let i = 0; i < AXES; i++) {
      const q = ((i < 2 ? this.noise.acceleration : this.noise.sizeAcceleration) * this.scale(i, sizes)) ** 2;
      this.x[i]! += this.v[i]! * dt;
      // P ← F P Fᵀ + Q with F = [[1, dt], [0, 1]] and Q the integrated white-noise acceleration.
      this.pxx[i] = this.pxx[i]! + 2 * dt * this.pxv[i]! + dt * dt * this.pvv[i]! + (q * dt ** 3) / 3;
      this.pxv[i] = this.pxv[i]! + dt * this.pvv[i]! + (q * dt * dt) / 2;
      this.pvv[i] = this.pvv[i]! + q * dt;
    }
  }

  /** Corrects the state with an observed box. */
  update(box: BoxXywh): void {
    const z = measurement(box);
    for (let i = 0; i < AXES; i++) {
      const s = this.innovationVariance(i);
      const kx = this.pxx[i]! / s;
      const kv = this.pxv[i]! / s;
      const y = z[i]! - this.x[i]!;
      this.x[i]! += kx * y;
      this.v[i]! += kv * y;
      // P ← (I − K H) P, H = [1, 0].
      const pxx = this.pxx[i]!;
      const pxv = this.pxv[i]!;
      this.pxx[i] = (1 - kx) * pxx;
      this.pxv[i] = (1 - kx) * pxv;
      this.pvv[i] = this.pvv[i]! - kv * pxv;
    }
  }

  /**
   * Squared Mahalanobis distance of a box from the predicted measurement: the innovation weighted
   * by its covariance, chi-square with four degrees of freedom when the model holds.
   */
  mahalanobis(box: BoxXywh): number {
    const z = measurement(box);
    let d2 = 0;
    for (let i = 0; i < AXES; i++) d2 += (z[i]! - this.x[i]!) ** 2 / this.innovationVariance(i);
    return d2;
  }

  /** The current estimate as a box (a size the model drove below one pixel is held at one). */
  box(): BoxXywh {
    const w = Math.max(this.x[2]!, 1);
    const h = Math.max(this.x[3]!, 1);
    return [this.x[0]! - w / 2, this.x[1]! - h / 2, w, h];
  }

  /** Centre velocity in pixels per second. */
  velocity(): readonly [number, number] {
    return [this.v[0]!, this.v[1]!];
  }

  private innovationVariance(i: number): number {
    return this.pxx[i]! + this.measurementStd(i, this.scale(i, this.x)) ** 2;
  }

  private measurementStd(i: number, scale: number): number {
    const share =
      i < 2 ? this.noise.measurement : i === 2 ? this.noise.widthMeasurement : this.noise.heightMeasurement;
    return share * scale;
  }

  /** The size the noise of axis i is relative to: the width for x and w, the height for y and h. */
  private scale(i: number, state: ArrayLike<number>): number {
    return Math.max(i === 0 || i === 2 ? state[2]! : state[3]!, 1);
  }
}

function measurement(box: BoxXywh): [number, number, number, number] {
  return [box[0] + box[2] / 2, box[1] + box[3] / 2, box[2], box[3]];
}
