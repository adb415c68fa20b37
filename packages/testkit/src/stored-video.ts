import {
  OBSERVATIONS_FORMAT,
  RESULTS_VERSION,
  packCrops,
  videoKeys,
  type CropToPack,
  type ObjectStore,
  type Observation,
  type VideoRecord,
} from '@orion/shared';

/** The run settings of a stand-in video: the general embedding, tracklets, HDBSCAN defaults. */
export const STAND_IN_RUN_PARAMS = {
  embedding: 'vision',
  association: 'tracklets',
  noise: 'singletons',
  clustering: {
    minClusterSize: 5,
    minSamples: 5,
    clusterSelectionEpsilon: 0,
    clusterSelectionMethod: 'eom',
  },
} as const satisfies Pick<VideoRecord, 'embedding' | 'association' | 'noise' | 'clustering'>;

/** A completed H.264 video record on run r1, for tests and benches that write its results by hand. */
export function completedVideoRecord(video: {
  id: string;
  tenantId: string;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  plan: VideoRecord['plan'];
}): VideoRecord {
  const now = new Date().toISOString();
  return {
    id: video.id,
    tenantId: video.tenantId,
    sourceKey: videoKeys(video.id).source,
    ownsSource: true,
    createdAt: now,
    updatedAt: now,
    state: 'completed',
    tags: [],
    probe: {
      durationSeconds: video.durationSeconds,
      formatName: 'mp4',
      video: { codec: 'h264', width: video.width, height: video.height, fps: video.fps },
      hasAudio: false,
    },
    plan: video.plan,
    runId: 'r1',
    ...STAND_IN_RUN_PARAMS,
  };
}

/** Stores one shard's crops as the detect stage does (pack, then its index). Returns the pack's size. */
export async function putShardCrops(
  store: ObjectStore,
  videoId: string,
  shardIndex: number,
  crops: CropToPack[],
): Promise<number> {
  const { bin, index } = packCrops(crops, { videoId, shardIndex, margin: 0.1 });
  await store.put(videoKeys(videoId).shard(shardIndex).crops, bin);
  await store.put(videoKeys(videoId).shard(shardIndex).cropsIndex, JSON.stringify(index));
  return bin.length;
}

/** Stores a run's observations file as the cluster stage does. */
export async function putRunObservations(
  store: ObjectStore,
  videoId: string,
  runId: string,
  observations: Observation[],
): Promise<void> {
  await store.put(
    videoKeys(videoId).run(runId).observations,
    JSON.stringify({ format: OBSERVATIONS_FORMAT, version: RESULTS_VERSION, videoId, runId, observations }),
  );
}
