import { describe, expect, it } from 'vitest';
import { CHI2_4DOF_99, DEFAULT_MOTION_NOISE, KalmanBox, type BoxXywh } from '../src/index.js';

// A box of 60 × 150 px whose centre moves at (120, −30) px/s and which grows 10 px/s in height.
const truth = (t: number): BoxXywh => [
  100 + 120 * t - 30,
  300 - 30 * t - (150 + 10 * t) / 2,
  60,
  150 + 10 * t,
];

function trackAt(times: number[]): KalmanBox {
  const kf = new KalmanBox(truth(times[0]!), DEFAULT_MOTION_NOISE);
  for (let k = 1; k < times.length; k++) {
    kf.predict(times[k]! - times[k - 1]!);
    kf.update(truth(times[k]!));
  }
  return kf;
}

describe('KalmanBox', () => {
  it('learns a constant velocity from samples and predicts ahead', () => {
    const kf = trackAt(Array.from({ length: 20 }, (_, n) => n / 5));
    const [vx, vy] = kf.velocity();
    expect(vx).toBeCloseTo(120, 0);
    expect(vy).toBeCloseTo(-30, 0);
    kf.predict(0.5);
    const predicted = kf.box();
    const expected = truth(3.8 + 0.5);
    for (let i = 0; i < 4; i++) expect(Math.abs(predicted[i]! - expected[i]!)).toBeLessThan(2);
  });

  it('works in seconds: irregular sampling gives the same velocity as regular sampling', () => {
    const irregular = trackAt([0, 0.1, 0.45, 0.5, 0.9, 1.6, 1.7, 2.3, 2.35, 3.0, 3.4, 3.8]);
    expect(irregular.velocity()[0]).toBeCloseTo(120, 0);
    const at2fps = trackAt([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    const at25fps = trackAt(Array.from({ length: 88 }, (_, n) => n / 25));
    expect(at2fps.velocity()[0]).toBeCloseTo(at25fps.velocity()[0], 0);
  });

  it('grows more tolerant the longer it coasts', () => {
    const off = (b: BoxXywh): BoxXywh => [b[0] + 40, b[1], b[2], b[3]];
    const soon = trackAt(Array.from({ length: 10 }, (_, n) => n / 5));
    soon.predict(0.2);
    const late = trackAt(Array.from({ length: 10 }, (_, n) => n / 5));
    late.predict(1.5);
    const dSoon = soon.mahalanobis(off(truth(1.8 + 0.2)));
    const dLate = late.mahalanobis(off(truth(1.8 + 1.5)));
    expect(dSoon).toBeGreaterThan(CHI2_4DOF_99);
    expect(dLate).toBeLessThan(dSoon / 4);
  });

  it('keeps a positive size even when its model shrinks the box through zero', () => {
    const kf = new KalmanBox([0, 0, 10, 10], DEFAULT_MOTION_NOISE);
    kf.predict(0.1);
    kf.update([0, 0, 5, 5]);
    kf.predict(0.1);
    kf.update([0, 0, 2, 2]);
    kf.predict(10);
    const [, , w, h] = kf.box();
    expect(w).toBeGreaterThanOrEqual(1);
    expect(h).toBeGreaterThanOrEqual(1);
  });
});
