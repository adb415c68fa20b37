import { boxInCrop, decodeImage, type Box } from '@orion/shared';
import type { Detector } from '@orion/detector';
import { cropRegion, encodeCrop } from '../../apps/detect-worker/src/output/crops.js';
import type { LabelledImage } from './dataset.js';
import { sortDetections, type Sorted } from './match.js';

/** One detection of the labelled set, with its crop cut as the detect stage cuts it. */
export interface Sample extends Sorted {
  image: number;
  imageWidth: number;
  imageHeight: number;
  box: Box;
  label: string;
  score: number;
  top5: { class: number; p: number }[];
  /** The stored crop: JPEG of the box plus its margin, at most 512 px a side. */
  jpeg: Buffer;
  /** The crop's region in the image: [x, y, width, height]. */
  region: [number, number, number, number];
  /** The detection box in the stored crop's pixels (as the embed stage computes it). */
  cropBox: Box;
}

/** Runs the detector over every image and sorts each detection against the ground truth. */
export async function collectSamples(
  images: readonly LabelledImage[],
  detector: Detector,
  cropMargin: number,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const [index, li] of images.entries()) {
    const raw = await decodeImage(li.path);
    const { detections } = await detector.detect([raw]);
    const found = detections[0]!;
    const sorted = sortDetections(found, li.truths);
    for (const [i, d] of found.entries()) {
      const region = cropRegion(d.box, raw.width, raw.height, cropMargin);
      const { jpeg, width, height } = await encodeCrop(raw, region);
      const entry = { detection: i, frame: index, offset: 0, length: jpeg.length, width, height, region };
      samples.push({
        image: index,
        imageWidth: raw.width,
        imageHeight: raw.height,
        box: d.box,
        label: d.label,
        score: d.score,
        top5: d.top5,
        jpeg,
        region,
        cropBox: boxInCrop(entry, d.box),
        ...sorted[i]!,
      });
    }
  }
  return samples;
}
