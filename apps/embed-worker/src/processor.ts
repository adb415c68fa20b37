import { SecondLook } from '@orion/detector';
import {
  ReidEmbedder,
  createEmbeddingModel,
  labelCheckParams,
  type EmbeddingModel,
  type LabelCheckParams,
} from '@orion/embeddings';
import { QueueName, defineJobProcessor, type EmbedJobResult } from '@orion/shared';
import { embedShard } from './embed-shard.js';
import { checkEmbedSettings, embedWorkerSettings, type EmbedWorkerSettings } from './settings.js';

interface ThreadState {
  model: EmbeddingModel;
  reid: ReidEmbedder | null;
  labelCheck: { params: LabelCheckParams; secondLook: SecondLook | null };
  settings: EmbedWorkerSettings;
}

/**
 * The embed job, as run in each job thread of the embed-worker: the embedding model is loaded once
 * per thread (its files checked against their sha256); each job embeds one shard's crops.
 */
export default defineJobProcessor({
  queue: QueueName.embed,
  name: 'embed-worker',
  async init({ config, logger }): Promise<ThreadState> {
    checkEmbedSettings(config);
    const settings = embedWorkerSettings(config, logger);
    const params = labelCheckParams();
    const model = await createEmbeddingModel(settings.model);
    let reid: ReidEmbedder | null = null;
    try {
      reid = settings.reid ? await ReidEmbedder.load(settings.reid.model) : null;
      const secondLook = settings.secondLook ? await SecondLook.load(settings.secondLook) : null;
      return { model, reid, labelCheck: { params, secondLook }, settings };
    } catch (err) {
      await Promise.all([model.close(), reid?.close()]);
      throw err;
    }
  },
  async process(job, { model, reid, labelCheck, settings }, { store }): Promise<EmbedJobResult> {
    const { videoId, shard } = job.data;
    const result = await embedShard(
      { videoId, shardIndex: shard.index },
      {
        model,
        store,
        multimodal: settings.multimodal,
        verifyThreshold: settings.verifyThreshold,
        reid: reid && settings.reid ? { embedder: reid, classes: settings.reid.classes } : undefined,
        labelCheck,
        logger: job.logger,
        onProgress: (p) => job.updateProgress(p),
      },
    );
    job.logger.info(
      {
        crops: result.count,
        dim: result.dim,
        provider: result.executionProvider,
        verification: result.verification,
        reidCrops: result.reid?.crops ?? null,
        ms: result.timings.totalMs,
      },
      'shard embedded',
    );
    return result;
  },
  close: async ({ model, reid, labelCheck }) => {
    await Promise.all([model.close(), reid?.close(), labelCheck.secondLook?.close()]);
  },
});
