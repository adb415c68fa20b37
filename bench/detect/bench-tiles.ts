/**
 * Tiled detection benchmark (not a test): person recall and precision at IoU ≥ 0.5 on TUD-Campus at
 * full size and scaled to half size (320×240, ground truth × 0.5), with DETECT_TILES off and 2x2;
 * boxes per frame on the one-by-one video (768×432, no ground truth boxes: tiles should not add
 * duplicates); detection cost per frame on one thread.
 *
 *   npm run bench:tiles
 *
 * Results are also written to bench/results/tiles-<time>.json (ignored by git).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, type DetectTileMode } from '@orion/shared';
import { filterVideo, fixturePath, modelPath } from '@orion/testkit';
import { Detector } from '@orion/detector';
import { parseMotGroundTruth, scaleTruth, shiftTruth } from '../../apps/detect-worker/test/metrics.js';
import { scoreVideo } from '../../apps/detect-worker/test/video-recall.js';

async function loadDetector(tiles: DetectTileMode): Promise<Detector> {
  return Detector.load({
    modelsDir: modelPath(),
    model: process.env.DETECTOR_MODEL ?? 'yolox_nano',
    executionProvider: 'cpu',
    intraOpThreads: 1,
    interOpThreads: 1,
    scoreThreshold: 0.3,
    classes: ['person'],
    batchSize: 1,
    tiles,
  });
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'orion-bench-tiles-'));
  try {
    const full = fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4');
    const half = join(dir, 'tud-320x240.mp4');
    await filterVideo(full, 'scale=320:240', half);
    // The full-size scene in the middle of a frame twice as large: people keep their pixels but the
    // letterbox shrinks them 3× (the case tiles are for), and tile edges cross the scene.
    const framed = join(dir, 'tud-in-1280x960.mp4');
    await filterVideo(full, 'pad=1280:960:320:240:gray', framed);
    // Half-size people (65–155 px) in a 1280×960 frame: 21–50 px at the model input, where
    // YOLOX-Nano starts to miss people.
    const small = join(dir, 'tud-half-in-1280x960.mp4');
    await filterVideo(full, 'scale=320:240,pad=1280:960:480:360:gray', small);
    const truth = parseMotGroundTruth(
      await readFile(fixturePath('mot', 'TUD-Campus', 'gt', 'gt.txt'), 'utf8'),
    );
    const oneByOne = fixturePath('videos', 'intel_one-by-one-person-detection.mp4');
    const cases = [
      { name: 'TUD 640×480', file: full, seconds: 71 / 25, fps: 25, truth },
      { name: 'TUD 320×240', file: half, seconds: 71 / 25, fps: 25, truth: scaleTruth(truth, 0.5) },
      {
        name: 'TUD in 1280×960',
        file: framed,
        seconds: 71 / 25,
        fps: 25,
        truth: shiftTruth(truth, 320, 240),
      },
      {
        name: 'TUD ½ in 1280×960',
        file: small,
        seconds: 71 / 25,
        fps: 25,
        truth: shiftTruth(scaleTruth(truth, 0.5), 480, 360),
      },
      { name: 'one-by-one 768×432', file: oneByOne, seconds: 139, fps: 1, truth: undefined },
    ];
    const modes: DetectTileMode[] = ['off', '2x2', 'auto'];
    console.log(`tiled detection: person, score ≥ 0.3, 1 intra-op thread, ${cpus()[0]?.model ?? '?'}\n`);
    console.log('video                 tiles  frames  recall  precision  boxes/frame  ms/frame');
    const rows: unknown[] = [];
    for (const mode of modes) {
      const detector = await loadDetector(mode);
      try {
        for (const c of cases) {
          const r = await scoreVideo(detector, c.file, c.seconds, c.fps, c.truth);
          rows.push({ video: c.name, tiles: mode, ...r });
          const f = (v: number) => (Number.isNaN(v) ? '   -' : v.toFixed(3));
          console.log(
            `${c.name.padEnd(20)}  ${mode.padEnd(5)}  ${String(r.frames).padStart(6)}  ${f(r.recall).padStart(6)}  ${f(r.precision).padStart(9)}  ${r.boxesPerFrame.toFixed(2).padStart(11)}  ${r.msPerFrame.toFixed(1).padStart(8)}`,
          );
        }
      } finally {
        await detector.close();
      }
    }
    const outDir = join(projectRoot(), 'bench', 'results');
    await mkdir(outDir, { recursive: true });
    const out = join(outDir, `tiles-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(out, JSON.stringify(rows, null, 2));
    console.log(`\nwrote ${out}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
