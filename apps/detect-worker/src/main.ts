import { QueueName, resolveDetectionModel, workerMain } from '@orion/shared';
import { siblingModule } from '@orion/threads';
import { recordDetectJob } from './ops.js';

// Entry point of the detect-worker process: the detector model is verified here, then loaded in every
// job thread before the first job.
await workerMain({
  name: 'detect-worker',
  queue: QueueName.detect,
  processor: siblingModule(import.meta.url, './processor'),
  concurrency: (config) => config.detector.concurrency,
  async preflight({ config, logger }) {
    // Fast and clear in the main thread; the job threads then load the same files.
    const model = await resolveDetectionModel(config.detector.model, config.modelsDir);
    logger.info(
      { model: model.manifest.name, file: model.modelPath, manifest: model.manifestOrigin },
      'detector model verified',
    );
  },
  onCompleted: recordDetectJob,
});
