/**
 * Work per frame in the detect stage (issue #21), step by step, on real fixture frames; not a test.
 *
 *   npm run bench:frame-cost -- [--fps 4] [--seconds 30] [--repeat 3] [--threads 1]
 *
 * One ONNX Runtime thread by default (what a worker sharing its cores runs with). For each fixture:
 *   - ffmpeg decode with the worker's own arguments plus `-benchmark` (ffmpeg's user + system CPU and
 *     wall), raw rgb24 at source size, and scaled + padded to the model input by ffmpeg; each with
 *     ffmpeg's default threads and with `-threads 1`;
 *   - the PPM split (copying pipe chunks into frames), replayed over the recorded chunks;
 *   - per step, each timed alone: resize (sharp), tensor fill (HWC bytes → CHW floats) before and
 *     after issue #21, ORT `session.run`, output decoding, NMS, top-5 of kept boxes;
 *   - detection as a whole, before (a new tensor per frame, `writeInputTensor`) and after (the
 *     detector's reused `InputTensor`): wall and this process's CPU time (process.cpuUsage), the share
 *     of that CPU time outside `session.run`, and whether their detections are identical;
 *   - detection on ffmpeg-scaled frames (no resize in Node) and how far its detections are from today's.
 * Prints a table per fixture; results also go to bench/results/frame-cost-<time>.json (ignored by git).
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Tensor } from 'onnxruntime-node';
import {
  createModelSession,
  inputPlacement,
  projectRoot,
  resolveDetectionModel,
  InputTensor,
  toSourceBox,
  type Box,
  type RawImage,
} from '@orion/shared';
import { fixturePath, referenceInputTensor } from '@orion/testkit';
import {
  Detector,
  candidateIou,
  classAwareNms,
  outputDecoder,
  topK,
  type DecodeContext,
  type ImageDetection,
} from '@orion/detector';
import { ffmpegArgs } from '../../apps/detect-worker/src/decode/decode-shard.js';
import { shardFrameRange } from '../../apps/detect-worker/src/decode/frame-range.js';
import { readPpmFrames } from '../../apps/detect-worker/src/decode/ppm-frames.js';

const { values: args } = parseArgs({
  options: {
    fps: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '30' },
    repeat: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
  },
});
const fps = Number(args.fps);
const maxSeconds = Number(args.seconds);
const repeat = Math.max(1, Number(args.repeat));
const threads = Number(args.threads);

const FIXTURES = [
  { name: 'TUD-Campus', file: 'TUD-Campus_640x480_25fps.mp4', seconds: 71 / 25 },
  { name: 'intel_one-by-one', file: 'intel_one-by-one-person-detection.mp4', seconds: 139 },
];
const MODELS_DIR = process.env.ORION_MODELS_DIR ?? join(projectRoot(), '..', 'shared', 'models');
const SCORE_THRESHOLD = 0.3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f2 = (v: number) => v.toFixed(2);

/** ffmpeg's own CPU and wall time (`-benchmark`), and the stdout chunks it wrote. */
function runFfmpeg(
  argv: string[],
): Promise<{ utime: number; stime: number; rtime: number; chunks: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`ffmpeg failed (${code}): ${err.slice(-400)}`));
      resolve({ utime: +m[1]! * 1000, stime: +m[2]! * 1000, rtime: +m[3]! * 1000, chunks });
    });
  });
}

async function* replay(chunks: Buffer[]) {
  for (const c of chunks) yield c;
}

/** The worker's ffmpeg command line for [0, seconds), optionally scaled + padded, or on one thread. */
function decodeArgv(
  file: string,
  seconds: number,
  opts: { scaleTo?: { w: number; h: number }; threads?: number } = {},
) {
  const { scaleTo, threads } = opts;
  const range = shardFrameRange(0, seconds, fps);
  const { input, output } = ffmpegArgs({ input: file, startSeconds: 0, endSeconds: seconds, fps }, range);
  const out = [...output];
  if (scaleTo) {
    const vf = out.indexOf('-vf') + 1;
    // The letterbox at the top-left: scale keeping the aspect ratio, pad right and bottom with 114.
    out[vf] +=
      `,scale=${scaleTo.w}:${scaleTo.h}:force_original_aspect_ratio=decrease:flags=bilinear` +
      `,pad=${scaleTo.w}:${scaleTo.h}:0:0:color=0x727272`;
  }
  const inp = threads ? ['-threads', String(threads), ...input] : input;
  return { argv: ['-benchmark', '-nostdin', ...inp, '-i', file, ...out, 'pipe:1'], frames: range.count };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
/** The value, wall ms and this process's CPU ms (all its threads: sharp's and ONNX Runtime's too). */
const timed = <T>(fn: () => T): [T, number, number] => {
  const c = process.cpuUsage();
  const t = performance.now();
  const v = fn();
  return [v, performance.now() - t, cpuMs(process.cpuUsage(c))];
};
const timedAsync = async <T>(fn: () => Promise<T>): Promise<[T, number, number]> => {
  const c = process.cpuUsage();
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t, cpuMs(process.cpuUsage(c))];
};

type Outputs = Awaited<ReturnType<Awaited<ReturnType<typeof createModelSession>>['session']['run']>>;

/** Same-class greedy matching at IoU ≥ 0.5, best scores first: how far `b` is from `a`. */
function compare(a: ImageDetection[][], b: ImageDetection[][]) {
  let matched = 0;
  let iouSum = 0;
  let scoreDelta = 0;
  let countA = 0;
  let countB = 0;
  const asCandidate = (d: ImageDetection) => ({
    x1: d.box[0],
    y1: d.box[1],
    x2: d.box[2],
    y2: d.box[3],
    score: d.score,
    classId: d.classId,
    anchor: 0,
  });
  a.forEach((da, f) => {
    const db = b[f]!;
    countA += da.length;
    countB += db.length;
    const used = new Set<number>();
    for (const x of da) {
      let best = -1;
      let bestIou = 0.5;
      db.forEach((y, j) => {
        if (used.has(j) || y.classId !== x.classId) return;
        const v = candidateIou(asCandidate(x), asCandidate(y));
        if (v >= bestIou) [best, bestIou] = [j, v];
      });
      if (best < 0) continue;
      used.add(best);
      matched++;
      iouSum += bestIou;
      scoreDelta += Math.abs(db[best]!.score - x.score);
    }
  });
  return {
    countA,
    countB,
    matched,
    meanIou: matched ? iouSum / matched : 0,
    meanScoreDelta: matched ? scoreDelta / matched : 0,
  };
}

async function main() {
  const model = await resolveDetectionModel('yolox_nano', MODELS_DIR);
  const spec = model.manifest.input;
  const ms = await createModelSession(model, {
    executionProvider: 'cpu',
    intraOpThreads: threads,
    interOpThreads: 1,
  });
  const detector = await Detector.load({
    modelsDir: MODELS_DIR,
    model: 'yolox_nano',
    executionProvider: 'cpu',
    intraOpThreads: threads,
    interOpThreads: 1,
    scoreThreshold: SCORE_THRESHOLD,
    batchSize: 1,
  });
  const ctx: DecodeContext = {
    scoreThreshold: SCORE_THRESHOLD,
    numClasses: model.labels.length,
    inputWidth: spec.width,
    inputHeight: spec.height,
  };
  const decode = outputDecoder(model.manifest.output);
  const reused = new InputTensor(spec, 1);
  const runModel = (data: Float32Array) =>
    ms.session.run({ [spec.name]: new Tensor('float32', data, [1, 3, spec.height, spec.width]) });
  const postprocess = (
    outputs: Outputs,
    t: { scaleX: number; scaleY: number; offsetX: number; offsetY: number },
    w: number,
    h: number,
  ): ImageDetection[] => {
    const decoded = decode(outputs, 0, ctx);
    const found: ImageDetection[] = [];
    for (const c of classAwareNms(decoded.candidates, model.manifest.nmsIou, 300)) {
      const box: Box = toSourceBox([c.x1, c.y1, c.x2, c.y2], t, w, h);
      if (box[2] - box[0] < 1 || box[3] - box[1] < 1) continue;
      found.push({
        box,
        classId: c.classId,
        label: model.labels[c.classId]!,
        score: c.score,
        top5: topK(decoded.classProbs(c.anchor), 5),
      });
    }
    return found;
  };
  /** The detector as it was before issue #21: a new tensor per batch, written the plain way (referenceInputTensor). */
  const plainDetect = async (img: RawImage) => {
    const data = new Float32Array(3 * spec.width * spec.height);
    const t = await referenceInputTensor(img, spec, data);
    return postprocess(await runModel(data), t, img.width, img.height);
  };
  /** ffmpeg scaled and padded the frame to the input: no resize here, boxes mapped by the letterbox. */
  const scaledDetect = async (img: RawImage, w: number, h: number) => {
    const data = reused.acquire(1);
    await reused.write(img, data, 0);
    const outputs = await runModel(data);
    reused.release(data);
    const { rw, rh } = inputPlacement({ data: Buffer.alloc(0), width: w, height: h }, spec);
    return postprocess(outputs, { scaleX: rw / w, scaleY: rh / h, offsetX: 0, offsetY: 0 }, w, h);
  };
  /** Wall and process CPU ms per frame of `fn` over `items`. */
  const perFrame = async <T>(items: T[], fn: (x: T) => Promise<unknown>) => {
    const cpu = process.cpuUsage();
    const t = performance.now();
    for (const x of items) await fn(x);
    const used = process.cpuUsage(cpu);
    return {
      wall: (performance.now() - t) / items.length,
      cpu: (used.user + used.system) / 1000 / items.length,
    };
  };

  const results: Record<string, unknown>[] = [];
  console.log(
    `frame cost: yolox_nano ${spec.width}×${spec.height}, ${threads} ORT thread(s), ${fps} fps, median of ${repeat}`,
  );
  for (const fx of FIXTURES) {
    const file = fixturePath('videos', fx.file);
    const seconds = Math.min(fx.seconds, maxSeconds);
    const scaleTo = { w: spec.width, h: spec.height };
    const variants = {
      source: decodeArgv(file, seconds).argv,
      sourceThreads1: decodeArgv(file, seconds, { threads: 1 }).argv,
      scaled: decodeArgv(file, seconds, { scaleTo }).argv,
      scaledThreads1: decodeArgv(file, seconds, { scaleTo, threads: 1 }).argv,
    };
    const ff: Record<string, { cpu: number[]; wall: number[] }> = {};
    const chunks: Record<string, Buffer[]> = {};
    for (let r = 0; r < repeat; r++) {
      for (const [key, argv] of Object.entries(variants)) {
        const res = await runFfmpeg(argv);
        chunks[key] = res.chunks;
        (ff[key] ??= { cpu: [], wall: [] }).cpu.push(res.utime + res.stime);
        ff[key].wall.push(res.rtime);
      }
    }
    const frames: RawImage[] = [];
    const splitMs: number[] = [];
    for (let r = 0; r < repeat; r++) {
      frames.length = 0;
      const t = performance.now();
      for await (const img of readPpmFrames(replay(chunks.source!))) frames.push(img);
      splitMs.push(performance.now() - t);
    }
    const scaledFrames: RawImage[] = [];
    for await (const img of readPpmFrames(replay(chunks.scaled!))) scaledFrames.push(img);
    const n = frames.length;
    const { width: w, height: h } = frames[0]!;
    const { rw, rh } = inputPlacement(frames[0]!, spec);

    // Warm-up (JIT, ONNX Runtime's first runs), not measured.
    for (const img of frames.slice(0, 3)) {
      await plainDetect(img);
      await detector.detect([img]);
    }

    const steps: Record<string, number[]> = {};
    const push = (key: string, v: number) => (steps[key] ??= []).push(v);
    for (let r = 0; r < repeat; r++) {
      const sum: Record<string, number> = {};
      const add = (key: string, [wall, cpu]: number[]) => {
        sum[key] = (sum[key] ?? 0) + wall!;
        sum[`${key}Cpu`] = (sum[`${key}Cpu`] ?? 0) + cpu!;
      };
      for (const img of frames) {
        const resize = () =>
          sharp(img.data, { raw: { width: w, height: h, channels: 3 } })
            .resize(rw, rh, { fit: 'fill', kernel: 'linear' })
            .raw()
            .toBuffer();
        const [small, ...tResize] = await timedAsync(resize);
        const smallImage = { data: small, width: rw, height: rh };
        const [, ...tFillOld] = await timedAsync(() =>
          referenceInputTensor(smallImage, spec, new Float32Array(3 * spec.width * spec.height)),
        );
        const data = reused.acquire(1);
        const [, ...tFillNew] = await timedAsync(() => reused.write(smallImage, data, 0));
        const [outputs, ...tRun] = await timedAsync(() => runModel(data));
        reused.release(data);
        const [decoded, ...tDecode] = timed(() => decode(outputs, 0, ctx));
        const [kept, ...tNms] = timed(() => classAwareNms(decoded.candidates, model.manifest.nmsIou, 300));
        const [, ...tTop5] = timed(() => kept.map((c) => topK(decoded.classProbs(c.anchor), 5)));
        add('resize', tResize);
        add('fillOld', tFillOld);
        add('fillNew', tFillNew);
        add('run', tRun);
        add('decode', tDecode);
        add('nms', tNms);
        add('top5', tTop5);
      }
      // libvips on one thread (sharp.concurrency is per process). Where sharp already defaults to 1
      // (glibc without jemalloc: this machine), this row differs from the first only in running the
      // resizes back to back rather than between model runs, with their data still in the caches.
      const threadsBefore = sharp.concurrency();
      sharp.concurrency(1);
      for (const img of frames) {
        add(
          'resize1',
          (
            await timedAsync(() =>
              sharp(img.data, { raw: { width: w, height: h, channels: 3 } })
                .resize(rw, rh, { fit: 'fill', kernel: 'linear' })
                .raw()
                .toBuffer(),
            )
          ).slice(1) as number[],
        );
      }
      sharp.concurrency(threadsBefore);
      for (const key of Object.keys(sum)) push(key, sum[key]! / n);
      const plain = await perFrame(frames, plainDetect);
      push('plainWall', plain.wall);
      push('plainCpu', plain.cpu);
      const now = await perFrame(frames, (img) => detector.detect([img]));
      push('detectWall', now.wall);
      push('detectCpu', now.cpu);
      const sc = await perFrame(scaledFrames, (img) => scaledDetect(img, w, h));
      push('scaledWall', sc.wall);
      push('scaledCpu', sc.cpu);
    }
    const m = Object.fromEntries(Object.entries(steps).map(([key, xs]) => [key, median(xs)])) as Record<
      string,
      number
    >;
    const ffm = Object.fromEntries(
      Object.entries(ff).map(([key, v]) => [key, { cpu: median(v.cpu) / n, wall: median(v.wall) / n }]),
    );

    const before: ImageDetection[][] = [];
    const after: ImageDetection[][] = [];
    const scaled: ImageDetection[][] = [];
    for (const [i, img] of frames.entries()) {
      before.push(await plainDetect(img));
      after.push((await detector.detect([img])).detections[0]!);
      scaled.push(await scaledDetect(scaledFrames[i]!, w, h));
    }
    const identical = JSON.stringify(before) === JSON.stringify(after);
    const quality = compare(before, scaled);
    const row = {
      fixture: fx.name,
      frames: n,
      size: `${w}×${h}`,
      ffmpeg: ffm,
      ppmSplitMs: median(splitMs) / n,
      ...m,
      // CPU, not wall: on a shared machine the wall clock also counts waiting for a core.
      outsideRunShareBefore: (m.plainCpu! - m.runCpu!) / m.plainCpu!,
      outsideRunShareAfter: (m.detectCpu! - m.runCpu!) / m.detectCpu!,
      identical,
      ffmpegScaledQuality: quality,
    };
    results.push(row);
    const line = (label: string, v: string) => console.log(`  ${label.padEnd(44)} ${v}`);
    console.log(`\n${fx.name} (${n} frames, ${w}×${h} → ${rw}×${rh} in ${spec.width}×${spec.height})`);
    for (const [key, label] of [
      ['source', 'ffmpeg decode, source size'],
      ['sourceThreads1', 'ffmpeg decode, source size, -threads 1'],
      ['scaled', 'ffmpeg decode, scaled+padded'],
      ['scaledThreads1', 'ffmpeg decode, scaled+padded, -threads 1'],
    ] as const) {
      line(label, `${f2(ffm[key]!.cpu)} ms CPU/frame (${f2(ffm[key]!.wall)} wall)`);
    }
    line('PPM split (copy into frames)', `${f2(row.ppmSplitMs)} ms/frame`);
    const stepLine = (label: string, key: string) =>
      line(label, `${f2(m[key]!)} ms/frame (${f2(m[`${key}Cpu`]!)} ms CPU)`);
    stepLine('resize (sharp)', 'resize');
    stepLine(`resize (sharp, concurrency 1, back to back; default ${sharp.concurrency()})`, 'resize1');
    stepLine('tensor fill, before (new buffer, 3 passes)', 'fillOld');
    stepLine('tensor fill, after (reused buffer, table)', 'fillNew');
    stepLine('ORT session.run', 'run');
    stepLine('output decoding', 'decode');
    stepLine('NMS', 'nms');
    stepLine('top-5 of kept boxes', 'top5');
    line(
      'detect, before',
      `${f2(m.plainWall!)} ms/frame, ${f2(m.plainCpu!)} ms CPU; CPU outside run ${(row.outsideRunShareBefore * 100).toFixed(1)} %`,
    );
    line(
      'detect, after',
      `${f2(m.detectWall!)} ms/frame, ${f2(m.detectCpu!)} ms CPU; CPU outside run ${(row.outsideRunShareAfter * 100).toFixed(1)} %`,
    );
    line('detections before = after', identical ? 'identical' : 'DIFFERENT');
    line('detect on ffmpeg-scaled frames', `${f2(m.scaledWall!)} ms/frame, ${f2(m.scaledCpu!)} ms CPU`);
    line(
      '  vs detections today',
      `${quality.countB} vs ${quality.countA} boxes, ${quality.matched} matched, mean IoU ${quality.meanIou.toFixed(3)}, mean |Δscore| ${quality.meanScoreDelta.toFixed(3)}`,
    );
  }
  // A shard deep into a video: the worker seeks the input to the keyframe before the shard start
  // (`-ss` before `-i`); without that ffmpeg decodes everything before it and throws it away.
  const seek = { file: fixturePath('videos', FIXTURES[1]!.file), start: 100, end: 102 };
  const range = shardFrameRange(seek.start, seek.end, fps);
  const { input, output } = ffmpegArgs(
    { input: seek.file, startSeconds: seek.start, endSeconds: seek.end, fps },
    range,
  );
  const inputSeek = ['-benchmark', '-nostdin', ...input, '-i', seek.file, ...output, 'pipe:1'];
  const noSeek = [
    '-benchmark',
    '-nostdin',
    ...input.filter((a, i) => !['-ss', '-noaccurate_seek'].includes(a) && input[i - 1] !== '-ss'),
    '-i',
    seek.file,
    ...output,
    'pipe:1',
  ];
  const seekCost: Record<string, { cpu: number; wall: number }> = {};
  for (const [key, argv] of Object.entries({ inputSeek, noSeek })) {
    const runs = [];
    for (let r = 0; r < repeat; r++) runs.push(await runFfmpeg(argv));
    seekCost[key] = {
      cpu: median(runs.map((x) => x.utime + x.stime)),
      wall: median(runs.map((x) => x.rtime)),
    };
  }
  console.log(`
shard [${seek.start} s, ${seek.end} s) of ${FIXTURES[1]!.name} (${range.count} frames):`);
  console.log(
    `  input seek (the worker's)  ${f2(seekCost.inputSeek!.cpu)} ms CPU (${f2(seekCost.inputSeek!.wall)} wall)`,
  );
  console.log(
    `  decoding from the start    ${f2(seekCost.noSeek!.cpu)} ms CPU (${f2(seekCost.noSeek!.wall)} wall)`,
  );
  await detector.close();
  await ms.close();
  const dir = join(projectRoot(), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const out = join(dir, `frame-cost-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(out, JSON.stringify({ fps, threads, repeat, results, seekCost }, null, 2));
  console.log(`\nwritten ${out}`);
}

await main();
