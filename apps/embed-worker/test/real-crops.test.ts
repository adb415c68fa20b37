import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextNotSupportedError, createEmbeddingModel, dot, type EmbeddingModel } from '@orion/embeddings';
import { FsObjectStore, readShardCrops, readShardDetections, type Detection } from '@orion/shared';
import { modelPath } from '@orion/testkit';
import { detectVideoShard, photoCrops, tempDirs, type PhotoCrop } from './support.js';

// The vision backend (MobileNetV2) on real crops: YOLOX-Nano detections in fixture photos and in the
// bottle video, cut as the detect stage cuts them.

const dirs = tempDirs();
let model: EmbeddingModel;
let bus: PhotoCrop[];
let bottleVideo: { detections: Detection[]; crops: Buffer[] };

beforeAll(async () => {
  model = await createEmbeddingModel({
    backend: 'vision',
    modelsDir: modelPath(),
    executionProvider: 'cpu',
    intraOpThreads: 0,
  });
  bus = await photoCrops('bus.jpg');
  // The whole 40 s video at 2 samples per second, as one shard.
  const store = new FsObjectStore(await dirs.make());
  const shard = { index: 0, count: 1, startSeconds: 0, endSeconds: 39.8 };
  await detectVideoShard(store, 'bottles', 'intel_bottle-detection.mp4', shard, 2);
  const { detections } = await readShardDetections(store, 'bottles', 0);
  const { crops } = await readShardCrops(store, 'bottles', 0);
  bottleVideo = { detections, crops: crops.map((c) => c.jpeg) };
}, 120_000);

afterAll(async () => {
  await model?.close();
  await dirs.cleanup();
});

const bottleIndices = () => bottleVideo.detections.flatMap((d, i) => (d.label === 'bottle' ? [i] : []));

describe('class verification on real crops (vision backend)', () => {
  it('reads its embedding size from the model and returns unit vectors', async () => {
    // MobileNetV2's pooled features: [N, 1280, 1, 1] in the ONNX file's output shape.
    expect(model.embeddingDim).toBe(1280);
    expect(model.executionProvider).toBe('cpu');
    const [a, b] = await model.encodeImages([bus[0]!.jpeg, bottleVideo.crops[0]!]);
    expect(a).toHaveLength(1280);
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(dot(b!, b!)).toBeCloseTo(1, 5);
  });

  it('verifies the bus in bus.jpg as a bus, with high confidence', async () => {
    const crop = bus.find((c) => c.label === 'bus')!;
    expect(crop).toBeDefined();
    const v = await model.verifyClassification(crop.jpeg, 'bus');
    console.log(`bus crop of bus.jpg: p(bus) = ${v.probability?.toFixed(3)}, confidence ${v.confidence}`);
    expect(v).toMatchObject({ status: 'verified', className: 'bus', isMatch: true, confidence: 'high' });
    expect(v.suggestedClass).toBe('bus');
    expect(v.probability).toBeGreaterThanOrEqual(0.5);
    expect(v.similarity).toBeNull(); // no text encoder, so no image–text similarity
  });

  it('reports people as unverifiable, never with a made-up score', async () => {
    const people = bus.filter((c) => c.label === 'person');
    expect(people.length).toBeGreaterThanOrEqual(3);
    for (const v of await model.verifyClassifications(
      people.map((p) => ({ image: p.jpeg, className: 'person' })),
    )) {
      expect(v).toMatchObject({ status: 'unverifiable', isMatch: null, probability: null, confidence: null });
      expect(v.status === 'unverifiable' && v.reason).toMatch(/no ImageNet counterpart/);
    }
    const ranked = await model.classify(people[0]!.jpeg);
    expect(ranked.unverifiable).toContain('person');
    expect(ranked.ranked.map((r) => r.label)).not.toContain('person');
  });

  it('verifies the bottles of the bottle video as bottles', async () => {
    const indices = bottleIndices();
    expect(indices.length).toBeGreaterThan(150);
    const results = await model.verifyClassifications(
      indices.map((i) => ({ image: bottleVideo.crops[i]!, className: 'bottle' })),
    );
    const matched = results.filter((v) => v.status === 'verified' && v.isMatch);
    const high = matched.filter((v) => v.confidence === 'high');
    console.log(
      `bottle crops verified as bottle: ${matched.length}/${results.length} (${high.length} with high confidence)`,
    );
    expect(matched.length / results.length).toBeGreaterThan(0.9);
    expect(high.length / results.length).toBeGreaterThan(0.8);
  });

  it('rejects a bottle crop labelled "cup" and suggests "bottle"', async () => {
    const indices = bottleIndices();
    const asCup = await model.verifyClassifications(
      indices.map((i) => ({ image: bottleVideo.crops[i]!, className: 'cup' })),
    );
    const rejected = asCup.filter(
      (v) => v.status === 'verified' && !v.isMatch && v.suggestedClass === 'bottle',
    );
    console.log(
      `bottle crops labelled "cup": ${rejected.length}/${asCup.length} rejected with suggestion "bottle"`,
    );
    expect(rejected.length / asCup.length).toBeGreaterThan(0.9);
    // The clearest bottle (highest detector score) in particular.
    const best = indices.reduce((a, b) =>
      bottleVideo.detections[b]!.score > bottleVideo.detections[a]!.score ? b : a,
    );
    const v = await model.verifyClassification(bottleVideo.crops[best]!, 'cup');
    expect(v).toMatchObject({ status: 'verified', isMatch: false, suggestedClass: 'bottle' });
  });

  it('cannot embed text, and says so', async () => {
    await expect(model.encodeText('a photo of a bottle')).rejects.toThrow(TextNotSupportedError);
    await expect(model.encodeMultimodal(bus[0]!.jpeg, 'a bus')).rejects.toThrow(
      /cannot embed text .*no text encoder/,
    );
  });
});

/** IoU of two [x1, y1, x2, y2] boxes. */
function iou(a: number[], b: number[]): number {
  const w = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const h = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = w * h;
  return inter / ((a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('embedding geometry on the bottle video (vision backend)', () => {
  it('puts bottle crops closer to each other than to other classes, and one bottle in consecutive frames closer still', async () => {
    const { detections } = bottleVideo;
    const embeddings = await model.encodeImages(bottleVideo.crops);
    const isBottle = detections.map((d) => d.label === 'bottle');
    expect(isBottle.filter((b) => !b).length).toBeGreaterThan(10); // hands ("person") and the table

    // The same bottle in consecutive samples: its box barely moves (IoU > 0.5 with the next frame's box).
    const consecutive: number[] = [];
    detections.forEach((d, i) => {
      if (!isBottle[i]) return;
      let bestJ = -1;
      let bestIou = 0.5;
      detections.forEach((e, j) => {
        if (isBottle[j] && e.frame === d.frame + 1 && iou(d.box, e.box) > bestIou) {
          bestIou = iou(d.box, e.box);
          bestJ = j;
        }
      });
      if (bestJ >= 0) consecutive.push(dot(embeddings[i]!, embeddings[bestJ]!));
    });
    const bottleBottle: number[] = [];
    const bottleOther: number[] = [];
    for (let i = 0; i < detections.length; i++) {
      for (let j = i + 1; j < detections.length; j++) {
        if (isBottle[i] && isBottle[j]) bottleBottle.push(dot(embeddings[i]!, embeddings[j]!));
        else if (isBottle[i] !== isBottle[j]) bottleOther.push(dot(embeddings[i]!, embeddings[j]!));
      }
    }
    // Per bottle crop: is it on average closer to the other bottles than to the other classes?
    const closerToBottles = detections.filter((_, i) => {
      if (!isBottle[i]) return false;
      const sims = (pick: (j: number) => boolean) =>
        mean(detections.flatMap((_, j) => (j !== i && pick(j) ? [dot(embeddings[i]!, embeddings[j]!)] : [])));
      return sims((j) => isBottle[j]!) > sims((j) => !isBottle[j]!);
    }).length;

    const stats = {
      consecutiveSameBottle: mean(consecutive),
      bottleBottle: mean(bottleBottle),
      bottleOther: mean(bottleOther),
    };
    console.log(
      `cosine similarity, mean: same bottle in consecutive frames ${stats.consecutiveSameBottle.toFixed(3)} (${consecutive.length} pairs), ` +
        `bottle–bottle ${stats.bottleBottle.toFixed(3)} (${bottleBottle.length}), bottle–other class ${stats.bottleOther.toFixed(3)} (${bottleOther.length}); ` +
        `margins: consecutive − bottle ${(stats.consecutiveSameBottle - stats.bottleBottle).toFixed(3)}, bottle − other ${(stats.bottleBottle - stats.bottleOther).toFixed(3)}; ` +
        `bottle crops closer to bottles than to other classes: ${closerToBottles}/${isBottle.filter(Boolean).length}`,
    );
    expect(consecutive.length).toBeGreaterThan(100);
    expect(stats.bottleBottle - stats.bottleOther).toBeGreaterThan(0.2);
    expect(stats.consecutiveSameBottle - stats.bottleBottle).toBeGreaterThan(0.03);
    expect(closerToBottles / isBottle.filter(Boolean).length).toBeGreaterThan(0.95);
  });
});
