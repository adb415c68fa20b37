import { describe, expect, it } from 'vitest';
import { attachShortUnits } from '../src/attach-short-units.js';
import type { Unit } from '../src/group.js';

/** A unit vector at `angle` radians (cosine distance between two = 1 − cos Δ). */
const at = (angle: number) => Float32Array.from([Math.cos(angle), Math.sin(angle), 0]);
const away = (d: number) => Math.acos(1 - d);
const unit = (v: Float32Array, support: number, span: [number, number]): Unit => ({
  embedding: v,
  space: 'reid',
  support,
  span,
});
/** 0.25 from at(0), 0.2 from at(away(0.3)) = (0.7, √0.51, 0): out of their plane. */
const y = (0.8 - 0.75 * 0.7) / Math.sqrt(0.51);
const STRAY = Float32Array.from([0.75, y, Math.sqrt(1 - 0.75 ** 2 - y ** 2)]);
const SETTINGS = { maxGapSeconds: 1.5, maxDistance: 0.5, minSupport: 3 };

/**
 * Person P seen 0–10 s, person Q 20–30 s (their vectors 0.3 apart); fragment f of P leaving at
 * 10.25 s whose vector strayed towards Q (0.2 from Q, 0.25 from P): HDBSCAN put it with Q.
 */
const scene = () => ({
  units: [unit(at(0), 40, [0, 10]), unit(at(away(0.3)), 40, [20, 30]), unit(STRAY, 1, [10.25, 10.25])],
  labels: Int32Array.from([0, 1, 1]),
});

describe('attachShortUnits', () => {
  it('moves a fragment to the supported tracklet next to it in time, not the closest in the video', () => {
    const { units, labels } = scene();
    expect(attachShortUnits([0, 1, 2], units, labels, 2, [], SETTINGS)).toBe(2);
    expect([...labels]).toEqual([0, 1, 0]);
  });

  it('leaves it where HDBSCAN put it when no neighbour in time is close enough, or it clashes', () => {
    const far = scene();
    attachShortUnits([0, 1, 2], far.units, far.labels, 2, [], { ...SETTINGS, maxDistance: 0.2 });
    expect([...far.labels]).toEqual([0, 1, 1]);

    const late = scene();
    attachShortUnits([0, 1, 2], late.units, late.labels, 2, [], { ...SETTINGS, maxGapSeconds: 0.1 });
    expect([...late.labels]).toEqual([0, 1, 1]);

    // Fragment seen in a frame with a tracklet of P's group: never joins it.
    const clash = scene();
    clash.units.push(unit(at(0), 1, [10.25, 10.25]));
    clash.labels = Int32Array.from([0, 1, 1, 0]);
    attachShortUnits([0, 1, 2, 3], clash.units, clash.labels, 2, [[2, 3]], SETTINGS);
    expect([...clash.labels]).toEqual([0, 1, 1, 0]);
  });

  it('gives a supported unit HDBSCAN left as noise a group of its own, which fragments can join', () => {
    const { units } = scene();
    const labels = Int32Array.from([-1, 0, 0]);
    expect(attachShortUnits([0, 1, 2], units, labels, 1, [], SETTINGS)).toBe(2);
    expect([...labels]).toEqual([1, 0, 1]);
  });
});
