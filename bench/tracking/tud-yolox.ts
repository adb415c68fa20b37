/**
 * The tracker on real detections: YOLOX-Nano persons of TUD-Campus (score ≥ 0.3) at several sampling
 * rates, with and without MobileNetV2 appearance, scored against the MOT ground truth with each
 * tracklet taken as an entity (no clustering after it).
 *
 *   npm run bench:tracking -- [fps …]
 */
import { readFile } from 'node:fs/promises';
import { fixturePath } from '@orion/testkit';
import {
  buildTracklets,
  evaluateIdentities,
  parseMotGroundTruth,
  sourceFrameAt,
  type TrackerOptionsInput,
} from '@orion/tracking';
import { detectTud, TUD_FRAMES, TUD_SOURCE_FPS } from './tud-detections.js';

const multi = (r: { tracklets: { detectionIds: unknown[] }[] }) =>
  r.tracklets.filter((t) => t.detectionIds.length > 1).length;
const rates = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const truth = parseMotGroundTruth(await readFile(fixturePath('mot', 'TUD-Campus', 'gt', 'gt.txt'), 'utf8'));
const overrides = JSON.parse(process.env.TRACKER_OPTIONS ?? '{}') as TrackerOptionsInput;

console.log(
  `TUD-Campus, YOLOX-Nano persons, ${truth.identities} identities, ${truth.boxes} boxes; tracklets as entities`,
);
for (const fps of rates.length > 0 ? rates : [25, 10, 5, 2]) {
  const detections = await detectTud(fps, true);
  for (const appearance of [false, true]) {
    const input = appearance ? detections : detections.map((d) => ({ ...d, embedding: null }));
    const started = performance.now();
    const result = buildTracklets(input, overrides);
    const ms = performance.now() - started;
    const m = evaluateIdentities(
      truth,
      detections.map((d, i) => ({ frame: d.sourceFrame, box: d.box, entity: result.trackletOfIndex[i]! })),
      { frames: sampledFrames(fps) },
    );
    console.log(
      `${String(fps).padStart(2)} fps ${appearance ? 'motion+appearance' : 'motion only      '}: ` +
        `ARI ${m.ari.toFixed(3)}, ${result.tracklets.length} tracklets (${multi(result)} of ≥ 2 detections; ${m.identities} identities), ` +
        `purity ${m.purity.toFixed(3)}, ` +
        `split ${m.splitIdentities}/${m.identitiesFound}, merging ${m.mergingEntities}/${m.entitiesMatched}, ` +
        `recall ${m.recall.toFixed(3)}, precision ${m.precision.toFixed(3)}, ${detections.length} detections, ` +
        `tracker ${ms.toFixed(1)} ms`,
    );
  }
}

/** The source frames a sampler at `fps` looks at, those without any detection included. */
function sampledFrames(fps: number): number[] {
  const frames: number[] = [];
  for (let n = 0; ; n++) {
    const f = sourceFrameAt(n / fps, TUD_SOURCE_FPS);
    if (f >= TUD_FRAMES) return frames;
    frames.push(f);
  }
}
