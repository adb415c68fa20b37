import { QueueName, defineJobProcessor, type DetectJobResult } from '@orion/shared';
import { detectShard } from './detect-shard.js';
import { Detector } from '@orion/detector';
import { detectorOptions } from './settings.js';

/**
 * The detect job, as run in each job thread of the detect-worker: the detector is loaded once per
 * thread; each job decodes its shard straight from the store (local path or presigned URL).
 */
export default defineJobProcessor({
  queue: QueueName.detect,
  name: 'detect-worker',
  init: ({ config, logger }) => Detector.load(detectorOptions(config, logger)),
  async process(job, detector, { config, store }): Promise<DetectJobResult> {
    const { videoId, shard, targetFps, sourceKey } = job.data;
    const location = await store.readLocation(sourceKey);
    const source = location.kind === 'path' ? location.path : location.url;
    const result = await detectShard(
      { videoId, shard, targetFps, source },
      {
        detector,
        store,
        cropMargin: config.detector.cropMargin,
        logger: job.logger,
        onProgress: (p) => job.updateProgress(p),
      },
    );
    job.logger.info(
      {
        frames: result.frames,
        detections: result.detections,
        provider: result.executionProvider,
        ms: result.timings.totalMs,
      },
      'shard detected',
    );
    return result;
  },
  close: (detector) => detector.close(),
});
