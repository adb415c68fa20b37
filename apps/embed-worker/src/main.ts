import { QueueName, workerMain } from '@orion/shared';
import { siblingModule } from '@orion/threads';
import { recordEmbedJob } from './ops.js';
import { checkEmbedSettings, embedWorkerSettings } from './settings.js';

// Entry point of the embed-worker process: the embedding model is loaded (files checked against their
// sha256) in every job thread before the first job.
await workerMain({
  name: 'embed-worker',
  queue: QueueName.embed,
  processor: siblingModule(import.meta.url, './processor'),
  concurrency: (config) => embedWorkerSettings(config).concurrency,
  preflight: ({ config }) => checkEmbedSettings(config),
  onCompleted: recordEmbedJob,
  readyFields: (config) => ({
    backend: config.embedding.model,
    multimodal: config.embedding.multimodal,
    reid: config.embedding.reid?.model ?? 'none',
  }),
});
