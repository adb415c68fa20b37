import {
  DETECTIONS_FORMAT,
  DETECTIONS_VERSION,
  packCrops,
  videoKeys,
  type CropToPack,
  type Detection,
  type DetectionsFile,
  type ObjectStore,
  type ShardSpan,
} from '@orion/shared';

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** Boxes to 1/100 px and probabilities to 5 decimals: plenty, and the file stays small and stable. */
export function roundDetection(d: Detection): Detection {
  return {
    ...d,
    box: [round(d.box[0], 2), round(d.box[1], 2), round(d.box[2], 2), round(d.box[3], 2)],
    score: round(d.score, 5),
    top5: d.top5.map((t) => ({ class: t.class, p: round(t.p, 5) })),
  };
}

export interface ShardOutputMeta {
  videoId: string;
  shard: ShardSpan;
  fps: number;
  firstFrame: number;
  frameCount: number;
  frameSize: DetectionsFile['frameSize'];
  model: DetectionsFile['model'];
  labels: string[];
  cropMargin: number;
}

/**
 * Writes a shard's crops (pack, then index) and then its detections under the video's layout. The
 * content depends only on the source, the model and the settings (no timestamps, no host names), so
 * running a shard again overwrites the same keys with the same bytes.
 */
export async function storeShardOutput(
  store: ObjectStore,
  meta: ShardOutputMeta,
  detections: Detection[],
  crops: CropToPack[],
): Promise<{ detections: string; crops: string; cropsIndex: string }> {
  const keys = videoKeys(meta.videoId).shard(meta.shard.index);
  const { bin, index } = packCrops(crops, {
    videoId: meta.videoId,
    shardIndex: meta.shard.index,
    margin: meta.cropMargin,
  });
  const file: DetectionsFile = {
    format: DETECTIONS_FORMAT,
    version: DETECTIONS_VERSION,
    videoId: meta.videoId,
    shard: {
      index: meta.shard.index,
      count: meta.shard.count,
      startSeconds: meta.shard.startSeconds,
      endSeconds: meta.shard.endSeconds,
    },
    sampling: { fps: meta.fps, firstFrame: meta.firstFrame, frameCount: meta.frameCount },
    frameSize: meta.frameSize,
    model: meta.model,
    labels: meta.labels,
    detections: detections.map(roundDetection),
  };
  await store.put(keys.crops, bin, { contentType: 'application/octet-stream' });
  await store.put(keys.cropsIndex, JSON.stringify(index), { contentType: 'application/json' });
  // Last: a complete detections file means the shard's outputs are all there.
  await store.put(keys.detections, JSON.stringify(file), { contentType: 'application/json' });
  return { detections: keys.detections, crops: keys.crops, cropsIndex: keys.cropsIndex };
}
