import { describe, expect, it } from 'vitest';
import { buildTracklets, evaluateIdentities } from '../src/index.js';
import { degradedDetections, loadTudGroundTruth, type Degradation } from './support/gt-detections.js';

// The tracker on TUD-Campus ground-truth boxes (8 pedestrians, a group walking close together,
// people crossing), sampled at 5 and 25 fps, with and without deterministic box jitter and missed
// detections. Each tracklet is taken as an entity; no clustering after it.

const truth = loadTudGroundTruth();

function meanScores(d: Omit<Degradation, 'seed'>, seeds: number[]) {
  const runs = seeds.map((seed) => {
    const detections = degradedDetections(truth, { ...d, seed });
    const result = buildTracklets(detections);
    const m = evaluateIdentities(
      truth,
      detections.map((x, i) => ({ frame: x.sourceFrame, box: x.box, entity: result.trackletOfIndex[i]! })),
      { frames: new Set(detections.map((x) => x.sourceFrame)) },
    );
    return {
      ari: m.ari,
      purity: m.purity,
      tracklets: result.tracklets.filter((t) => t.detectionIds.length > 1).length,
    };
  });
  const mean = (f: (r: (typeof runs)[number]) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  const summary = {
    ari: mean((r) => r.ari),
    purity: mean((r) => r.purity),
    tracklets: mean((r) => r.tracklets),
  };
  console.log(
    `TUD-Campus GT at ${d.fps} fps, jitter ${d.jitter}, dropout ${d.dropout}: ARI ${summary.ari.toFixed(3)} ` +
      `(runs ${runs.map((r) => r.ari.toFixed(3)).join(', ')}), purity ${summary.purity.toFixed(3)}, ` +
      `${summary.tracklets.toFixed(1)} tracklets of ≥ 2 detections for 8 identities`,
  );
  return summary;
}

const seeds = [1, 2, 3, 4];

describe('tracklets of TUD-Campus ground-truth boxes', () => {
  it('recovers the identities from exact boxes at 25 and 5 fps', () => {
    expect(meanScores({ fps: 25, jitter: 0, dropout: 0 }, [1]).ari).toBeGreaterThanOrEqual(0.95);
    expect(meanScores({ fps: 5, jitter: 0, dropout: 0 }, seeds).ari).toBeGreaterThanOrEqual(0.85);
  });

  it('stays high with 3 % box jitter and 10 % missed detections', () => {
    const at25 = meanScores({ fps: 25, jitter: 0.03, dropout: 0.1 }, seeds);
    expect(at25.ari).toBeGreaterThanOrEqual(0.75);
    expect(at25.purity).toBeGreaterThanOrEqual(0.9);
    const at5 = meanScores({ fps: 5, jitter: 0.03, dropout: 0.1 }, seeds);
    expect(at5.ari).toBeGreaterThanOrEqual(0.7);
    expect(at5.purity).toBeGreaterThanOrEqual(0.9);
  });
});
