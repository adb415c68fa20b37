import { describe, expect, it } from 'vitest';
import {
  buildTracklets,
  resolveTrackerOptions,
  TrackingInputError,
  type TrackDetection,
} from '../src/index.js';

const ok: TrackDetection<number> = {
  id: 1,
  frame: 0,
  t: 0,
  box: [0, 0, 10, 20],
  label: 'person',
  score: 0.9,
};

describe('input checks', () => {
  it('names the detection and the problem', () => {
    const bad =
      (patch: Partial<TrackDetection<number>>, others: TrackDetection<number>[] = []) =>
      () =>
        buildTracklets([...others, { ...ok, ...patch }]);
    expect(bad({}, [ok])).toThrow(/detection 1 \(id 1\): the id is used by another detection/);
    expect(bad({ frame: 1.5 })).toThrow(/frame must be a whole number ≥ 0/);
    expect(bad({ t: NaN })).toThrow(/time t must be a finite number/);
    expect(bad({ box: [0, 0, -1, 5] })).toThrow(/the box has a width or height ≤ 0/);
    expect(bad({ box: [0, 0, 1] as unknown as [number, number, number, number] })).toThrow(/has 3 numbers/);
    expect(bad({ label: '' })).toThrow(/label must be a non-empty string/);
    expect(bad({ score: 1.2 })).toThrow(/score must be in \[0, 1\]/);
    expect(bad({ embedding: new Float32Array(3) })).toThrow(/embedding is zero or not finite/);
    expect(
      bad({ id: 2, embedding: new Float32Array([1, 0]) }, [
        { ...ok, embedding: new Float32Array([1, 0, 0]) },
      ]),
    ).toThrow(/embedding has 2 dimensions, others 3/);
    expect(bad({ id: 2, t: 0.5 }, [ok])).toThrow(/frame 0 is at t = 0 s for other detections, 0.5 s here/);
    expect(bad({ id: 2, frame: 3, t: 0.1 }, [{ ...ok, frame: 2, t: 0.2 }])).toThrow(
      /frame 3 is at t = 0.1 s, before frame 2/,
    );
    expect(() => buildTracklets([ok]).tracklets).not.toThrow(TrackingInputError);
  });

  it('handles no detections', () => {
    const result = buildTracklets([]);
    expect(result.tracklets).toEqual([]);
    expect(result.cannotLink).toEqual([]);
  });

  it('normalises embeddings and reports an option out of range by name', () => {
    const result = buildTracklets([{ ...ok, embedding: new Float32Array([3, 4]) }]);
    expect([...result.tracklets[0]!.embedding!]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(() => resolveTrackerOptions({ maxLostSeconds: -1 })).toThrow(
      /maxLostSeconds must be a finite number ≥ 0/,
    );
    expect(() => resolveTrackerOptions({ lowScore: 0.7, highScore: 0.5 })).toThrow(
      /lowScore must be a number in \[0, 0.5\]/,
    );
    expect(() => resolveTrackerOptions({ minHits: 0 })).toThrow(/minHits must be a whole number ≥ 1/);
    expect(() => resolveTrackerOptions({ motion: { measurement: 0 } })).toThrow(
      /motion.measurement must be a finite number > 0/,
    );
    expect(resolveTrackerOptions({ motion: { acceleration: 2 } }).motion.widthMeasurement).toBe(0.2);
  });
});
