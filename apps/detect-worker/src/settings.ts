import type { Logger, OrionConfig } from '@orion/shared';
import type { DetectorOptions } from '@orion/detector';

/** The detector as the configuration describes it. */
export function detectorOptions(config: OrionConfig, logger?: Logger): DetectorOptions {
  return {
    modelsDir: config.modelsDir,
    model: config.detector.model,
    executionProvider: config.executionProvider,
    intraOpThreads: config.onnxThreads.intraOp,
    interOpThreads: config.onnxThreads.interOp,
    allowSpinning: config.onnxThreads.allowSpinning,
    concurrency: config.detector.concurrency,
    scoreThreshold: config.detector.scoreThreshold,
    classes: config.detector.classes,
    batchSize: config.detector.batchSize,
    tiles: config.detector.tiles,
    logger,
  };
}
