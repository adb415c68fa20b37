import { fixturePath, modelPath } from '@orion/testkit';
import { createEmbeddingModel } from '@orion/embeddings';
import type { RawImage } from '@orion/shared';
import { sourceFrameAt, xyxyToXywh, type BoxXywh, type TrackDetection } from '@orion/tracking';
import { decodeShardFrames } from '../../apps/detect-worker/src/decode/decode-shard.js';
import { Detector } from '@orion/detector';

export const TUD_VIDEO = 'TUD-Campus_640x480_25fps.mp4';
export const TUD_SOURCE_FPS = 25;
export const TUD_FRAMES = 71;

/** A real detection of the TUD-Campus video with the sample's source frame (for the ground truth). */
export interface TudDetection extends TrackDetection<number> {
  sourceFrame: number;
}

/** The pixels of a box, clipped to the frame. */
function crop(image: RawImage, box: BoxXywh): RawImage {
  const x0 = Math.max(0, Math.floor(box[0]));
  const y0 = Math.max(0, Math.floor(box[1]));
  const x1 = Math.min(image.width, Math.ceil(box[0] + box[2]));
  const y1 = Math.min(image.height, Math.ceil(box[1] + box[3]));
  const width = Math.max(1, x1 - x0);
  const height = Math.max(1, y1 - y0);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 3;
    image.data.copy(data, y * width * 3, from, from + width * 3);
  }
  return { data, width, height };
}

/**
 * YOLOX-Nano person detections of the TUD-Campus video sampled at `fps` the way the detect worker
 * samples (ffmpeg, the frame on screen at n / fps), with MobileNetV2 crop embeddings when asked.
 */
export async function detectTud(
  fps: number,
  withEmbeddings: boolean,
  scoreThreshold = 0.3,
): Promise<TudDetection[]> {
  const detector = await Detector.load({
    modelsDir: modelPath(),
    model: 'yolox_nano',
    executionProvider: 'cpu',
    intraOpThreads: 2,
    interOpThreads: 1,
    scoreThreshold,
    classes: ['person'],
    batchSize: 1,
  });
  const embedder = withEmbeddings
    ? await createEmbeddingModel({
        backend: 'vision',
        modelsDir: modelPath(),
        executionProvider: 'cpu',
        intraOpThreads: 2,
      })
    : null;
  const out: TudDetection[] = [];
  try {
    for await (const frame of decodeShardFrames({
      input: fixturePath('videos', TUD_VIDEO),
      startSeconds: 0,
      endSeconds: TUD_FRAMES / TUD_SOURCE_FPS,
      fps,
    })) {
      const found = (await detector.detect([frame.image])).detections[0]!;
      const boxes = found.map((d) => xyxyToXywh(d.box));
      const embeddings = embedder ? await embedder.encodeImages(boxes.map((b) => crop(frame.image, b))) : [];
      found.forEach((d, k) => {
        out.push({
          id: out.length,
          frame: frame.index,
          t: frame.t,
          box: boxes[k]!,
          label: d.label,
          score: d.score,
          embedding: embeddings[k] ?? null,
          sourceFrame: sourceFrameAt(frame.t, TUD_SOURCE_FPS),
        });
      });
    }
  } finally {
    await detector.close();
    await embedder?.close();
  }
  return out;
}
