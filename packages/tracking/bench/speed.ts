/**
 * Tracker throughput on a long synthetic video: objects walking at constant velocity in a 1920×1080
 * frame, bouncing off its edges, 5 % of detections missed, each with a noisy 256-d appearance
 * embedding. Prints detections per second with and without embeddings (the ratio is what the
 * appearance cost adds) and the ARI against the generating identities as a sanity check only: each
 * identity lasts the whole video and every bounce off an edge reverses its velocity, which ends a
 * tracklet (clustering joins them later), so the ARI is far from 1 by construction.
 *
 *   npx tsx --conditions=orion-source packages/tracking/bench/speed.ts [minutes=30] [fps=10] [objects=8]
 */
import { adjustedRandIndex, buildTracklets, type TrackDetection } from '../src/index.js';
import { gaussian, seededRandom } from '../test/support/random.js';

const [minutes = 30, fps = 10, objects = 8] = process.argv.slice(2).map(Number);
const DIMS = 256;
const random = seededRandom(42);

interface Walker {
  x: number;
  y: number;
  vx: number;
  vy: number;
  w: number;
  h: number;
  identity: Float32Array;
}
const walkers: Walker[] = Array.from({ length: objects }, () => {
  const h = 80 + random() * 200;
  return {
    x: random() * 1700,
    y: random() * 800,
    vx: (random() - 0.5) * 300,
    vy: (random() - 0.5) * 60,
    w: h * 0.4,
    h,
    identity: Float32Array.from({ length: DIMS }, () => gaussian(random)),
  };
});

const detections: (TrackDetection<number> & { truth: number })[] = [];
const frames = Math.round(minutes * 60 * fps);
for (let n = 0; n < frames; n++) {
  const dt = 1 / fps;
  walkers.forEach((o, k) => {
    o.x += o.vx * dt;
    o.y += o.vy * dt;
    if (o.x < 0 || o.x + o.w > 1920) o.vx = -o.vx;
    if (o.y < 0 || o.y + o.h > 1080) o.vy = -o.vy;
    if (random() < 0.05) return;
    const noise = 0.03;
    detections.push({
      id: detections.length,
      frame: n,
      t: n / fps,
      box: [o.x + noise * o.w * gaussian(random), o.y + noise * o.h * gaussian(random), o.w, o.h],
      label: 'person',
      score: 0.5 + 0.5 * random(),
      embedding: o.identity.map((v) => v + 0.7 * gaussian(random)),
      truth: k,
    });
  });
}

const truths = detections.map((d) => d.truth);
function run(name: string, input: TrackDetection<number>[]): number {
  const started = performance.now();
  const result = buildTracklets(input);
  const seconds = (performance.now() - started) / 1000;
  const ari = adjustedRandIndex([...result.trackletOfIndex], truths);
  console.log(
    `${name.padEnd(18)} ${(input.length / seconds).toFixed(0).padStart(8)} detections/s  (${seconds.toFixed(2)} s, ` +
      `${result.tracklets.length} tracklets, ${result.cannotLink.length} cannot-link pairs, ARI ${ari.toFixed(3)})`,
  );
  return seconds;
}

console.log(
  `${minutes} min at ${fps} fps, ${objects} objects: ${frames} frames, ${detections.length} detections`,
);
const motionOnly = run(
  'motion only',
  detections.map((d) => ({ ...d, embedding: null })),
);
const withAppearance = run(`+ ${DIMS}-d appearance`, detections);
console.log(`appearance costs ×${(withAppearance / motionOnly).toFixed(2)} the motion-only time`);
