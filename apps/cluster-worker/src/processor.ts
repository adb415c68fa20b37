import { QueueName, defineJobProcessor, type ClusterJobResult } from '@orion/shared';
import { clusterVideo } from './cluster-video.js';

/** The cluster job, run in a job thread so a long HDBSCAN never starves the lock renewal. */
export default defineJobProcessor({
  queue: QueueName.cluster,
  name: 'cluster-worker',
  init: async () => undefined,
  async process(job, _state, { store, config }): Promise<ClusterJobResult> {
    const summary = await clusterVideo(job.data, {
      store,
      tracker: config.association.tracker,
      logger: job.logger,
      onProgress: (p) => job.updateProgress(p),
    });
    job.logger.info({ ...summary }, 'video clustered');
    // HDBSCAN's distance pass runs on onnxruntime's CPU provider.
    return { ...summary, executionProvider: 'cpu' };
  },
});
