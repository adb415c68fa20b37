import { availableParallelism } from 'node:os';
import {
  InputTensor,
  createModelSession,
  resolveDetectionModel,
  toSourceBox,
  type Box,
  type DetectionManifest,
  type ExecutionProviderSetting,
  type Logger,
  type ModelSession,
  type RawImage,
  type DetectTileMode,
} from '@orion/shared';
import { detectTiled } from './tiles/tiled-detection.js';
import { tilesFor } from './tiles/tile-layout.js';
import { topK, type DecodeContext, type OutputDecoder } from './candidates.js';
import { classFilter } from './class-filter.js';
import { outputDecoder } from './decoders/index.js';
import { classAwareNms } from './nms.js';

export interface DetectorOptions {
  modelsDir: string;
  model: string;
  executionProvider: ExecutionProviderSetting;
  /** 0: CPU cores ÷ `concurrency`. */
  intraOpThreads: number;
  interOpThreads: number;
  /** Idle ONNX Runtime threads spin for work (undefined: ONNX Runtime's default). */
  allowSpinning?: boolean;
  /** Sessions sharing this machine's cores (for the automatic thread count). */
  concurrency?: number;
  scoreThreshold: number;
  classes?: string[];
  /** Frames per run when the model's batch is dynamic. */
  batchSize: number;
  maxDetections?: number;
  /** Tiled detection (full frame + overlapping tiles); default `off`. */
  tiles?: DetectTileMode;
  logger?: Logger;
}

export interface ImageDetection {
  /** [x1, y1, x2, y2] in source pixels. */
  box: Box;
  classId: number;
  label: string;
  score: number;
  top5: { class: number; p: number }[];
}

export interface DetectTiming {
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  /** Session runs (batches). */
  runs: number;
}

const DEFAULT_MAX_DETECTIONS = 300;

export function intraOpThreadsFor(setting: number, concurrency = 1): number {
  return setting > 0 ? setting : Math.max(1, Math.floor(availableParallelism() / concurrency));
}

/** A COCO-style detector driven by its manifest: preprocess, run, decode, NMS, boxes in source pixels. */
export class Detector {
  private readonly input: InputTensor;

  private constructor(
    private readonly ms: ModelSession<DetectionManifest>,
    private readonly decode: OutputDecoder,
    private readonly ctx: DecodeContext,
    readonly batchSize: number,
    private readonly maxDetections: number,
    readonly classes: string[] | undefined,
    readonly tiles: DetectTileMode,
  ) {
    this.input = new InputTensor(ms.model.manifest.input, batchSize);
  }

  static async load(opts: DetectorOptions): Promise<Detector> {
    const model = await resolveDetectionModel(opts.model, opts.modelsDir);
    const allowed = classFilter(opts.classes, model.labels);
    const ms = await createModelSession(model, {
      executionProvider: opts.executionProvider,
      intraOpThreads: intraOpThreadsFor(opts.intraOpThreads, opts.concurrency),
      interOpThreads: opts.interOpThreads,
      allowSpinning: opts.allowSpinning,
      logger: opts.logger,
    });
    const { input } = model.manifest;
    const ctx: DecodeContext = {
      scoreThreshold: opts.scoreThreshold,
      allowed,
      numClasses: model.labels.length,
      inputWidth: input.width,
      inputHeight: input.height,
    };
    const batchSize = input.batch === 'dynamic' ? opts.batchSize : input.batch;
    const detector = new Detector(
      ms,
      outputDecoder(model.manifest.output),
      ctx,
      batchSize,
      opts.maxDetections ?? DEFAULT_MAX_DETECTIONS,
      opts.classes,
      opts.tiles ?? 'off',
    );
    // Decode one blank frame now: outputs that do not fit the manifest or the labels fail here, at
    // startup, rather than on the first job.
    try {
      const blank = {
        data: Buffer.alloc(input.width * input.height * 3),
        width: input.width,
        height: input.height,
      };
      await detector.detect([blank]);
    } catch (err) {
      await ms.close();
      throw err;
    }
    return detector;
  }

  get name(): string {
    return this.ms.model.manifest.name;
  }
  get manifest(): DetectionManifest {
    return this.ms.model.manifest;
  }
  get sha256(): string {
    return this.ms.model.manifest.model.sha256;
  }
  get provider() {
    return this.ms.provider;
  }
  get labels(): string[] {
    return this.ms.model.labels;
  }
  get nmsIou(): number {
    return this.ms.model.manifest.nmsIou;
  }
  get scoreThreshold(): number {
    return this.ctx.scoreThreshold;
  }

  /**
   * Detections per image, in input order; runs batches of `batchSize`. With tiles, each image's tiles
   * join the batches after it and their boxes are merged into its own.
   */
  async detect(images: RawImage[]): Promise<{ detections: ImageDetection[][]; timing: DetectTiming }> {
    const timing: DetectTiming = { preprocessMs: 0, inferenceMs: 0, postprocessMs: 0, runs: 0 };
    const run = async (views: RawImage[]) => {
      const detections: ImageDetection[][] = [];
      for (let i = 0; i < views.length; i += this.batchSize) {
        detections.push(...(await this.runBatch(views.slice(i, i + this.batchSize), timing)));
      }
      return detections;
    };
    if (this.tiles === 'off') return { detections: await run(images), timing };
    const { input } = this.ms.model.manifest;
    const tiled = await detectTiled(
      images,
      (image) => tilesFor(this.tiles, image.width, image.height, input),
      run,
      this.nmsIou,
    );
    timing.preprocessMs += tiled.timing.cutMs;
    timing.postprocessMs += tiled.timing.mergeMs;
    return { detections: tiled.detections, timing };
  }

  private async runBatch(images: RawImage[], timing: DetectTiming): Promise<ImageDetection[][]> {
    const { outputs, transforms, preprocessMs, inferenceMs } = await this.input.run(this.ms.session, images);
    timing.preprocessMs += preprocessMs;
    timing.inferenceMs += inferenceMs;
    timing.runs++;

    const t = performance.now();
    const result = images.map((image, b) => {
      const decoded = this.decode(outputs, b, this.ctx);
      const kept = classAwareNms(decoded.candidates, this.nmsIou, this.maxDetections);
      const found: ImageDetection[] = [];
      for (const c of kept) {
        const box = toSourceBox([c.x1, c.y1, c.x2, c.y2], transforms[b]!, image.width, image.height);
        // A box entirely in the letterbox padding collapses to nothing once clipped.
        if (box[2] - box[0] < 1 || box[3] - box[1] < 1) continue;
        found.push({
          box,
          classId: c.classId,
          label: this.labels[c.classId] ?? String(c.classId),
          score: c.score,
          top5: topK(decoded.classProbs(c.anchor), 5),
        });
      }
      return found;
    });
    timing.postprocessMs += performance.now() - t;
    return result;
  }

  close(): Promise<void> {
    return this.ms.close();
  }
}
