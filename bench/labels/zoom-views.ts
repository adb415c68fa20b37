import type { ZoomLook, ZoomView } from '@orion/detector';
import { boxInCrop, decodeImage, type RawImage } from '@orion/shared';
import { cropRegion, encodeCrop } from '../../apps/detect-worker/src/output/crops.js';
import type { Sample } from './collect.js';
import type { LabelledImage } from './dataset.js';

/** Where the zoomed look takes its pixels: the stored crop, or the frame around the box grown `grow`×. */
export type ZoomSource = { kind: 'crop' } | { kind: 'context'; grow: number };

export const sourceName = (s: ZoomSource) => (s.kind === 'crop' ? 'crop' : `context ${s.grow}×`);

/**
 * The zoomed look's item for one detection from `source`. The wider context is cut as the detect
 * stage cuts its crops (`cropRegion` with margin (grow − 1) / 2, JPEG, at most 512 px) so that it
 * is what the embed stage would read if the detect stage stored it too.
 */
export async function zoomItem(s: Sample, source: ZoomSource, frame: RawImage) {
  if (source.kind === 'crop') return { image: await decodeImage(s.jpeg), box: s.cropBox, label: s.label };
  const { image, box } = await contextCrop(s, source.grow, frame);
  return { image, box, label: s.label };
}

/** The stored context crop of a detection (box grown `grow`×): its JPEG, decoded pixels and the box there. */
export async function contextCrop(s: Sample, grow: number, frame: RawImage) {
  const region = cropRegion(s.box, frame.width, frame.height, (grow - 1) / 2);
  const { jpeg, width, height } = await encodeCrop(frame, region);
  const entry = { detection: 0, frame: 0, offset: 0, length: jpeg.length, width, height, region };
  return { jpeg, image: await decodeImage(jpeg), box: boxInCrop(entry, s.box) };
}

/** The zoomed view of every sample from each source (frames decoded once per image). */
export async function gatherZoomViews(
  samples: readonly Sample[],
  images: readonly LabelledImage[],
  zoom: ZoomLook,
  sources: readonly ZoomSource[],
): Promise<ZoomView[][]> {
  const out: ZoomView[][] = samples.map(() => []);
  let current = -1;
  let frame: RawImage | null = null;
  for (const [i, s] of samples.entries()) {
    if (s.image !== current) {
      frame = await decodeImage(images[s.image]!.path);
      current = s.image;
    }
    for (const source of sources) out[i]!.push((await zoom.look([await zoomItem(s, source, frame!)]))[0]!);
  }
  return out;
}

/** The zoomed look's features: found again (score), where its best same-class box lies, another class dominant, count. */
export const zoomFeatures = (v: ZoomView, flip: boolean): number[] => [
  v.sameScore,
  v.bestSameIou,
  v.otherDominant,
  Math.min(3, v.sameCount),
  ...(flip ? [v.flipSameScore ?? 0] : []),
];
