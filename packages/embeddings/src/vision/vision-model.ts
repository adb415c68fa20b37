import {
  CodedError,
  createModelSession,
  resolveClassificationModel,
  type ClassificationManifest,
  type InputSpec,
  type ModelSession,
  type RawImage,
} from '@orion/shared';
import { EmbeddingModelBase, type BaseSettings, type ImagePass } from '../embedding-model-base.js';
import { cropInputSpec } from '../image-input.js';
import { imageOutputSize } from '../image-output-size.js';
import { buildCocoImageNetIndex } from '../labels/coco-imagenet.js';
import { cocoClass, type CocoLabel } from '../labels/coco.js';
import { batchSettings, sessionThreads, type ModelLoadOptions } from '../load-options.js';
import { centreInPlace, normalizeInPlace, softmax } from '../vector-math.js';
import type { LabelScores } from '../verification.js';

export const DEFAULT_VISION_MODEL = 'mobilenetv2_emb';

/** The model has no output the vision backend can use. */
export class VisionModelError extends CodedError {
  readonly code = 'ERR_VISION_MODEL';
  constructor(model: string, detail: string) {
    super(`Model "${model}" cannot serve as the vision embedding model: ${detail}`);
  }
}

/**
 * The vision-only backend: an ImageNet classifier that also outputs its pooled features
 * (MobileNetV2 by default). Embeddings are the features centred and normalised; verification and
 * classification of COCO labels go through the classifier's own ImageNet head and the COCO →
 * ImageNet mapping. It cannot embed text.
 */
export class VisionEmbeddingModel extends EmbeddingModelBase {
  readonly backend = 'vision' as const;
  readonly canEmbedText = false;

  private constructor(
    private readonly ms: ModelSession<ClassificationManifest>,
    private readonly spec: InputSpec,
    private readonly embeddingOutput: string,
    private readonly cocoIndex: Map<CocoLabel, number[]>,
    settings: BaseSettings,
  ) {
    super(settings);
  }

  static async load(opts: ModelLoadOptions): Promise<VisionEmbeddingModel> {
    const name = opts.model ?? DEFAULT_VISION_MODEL;
    const model = await resolveClassificationModel(name, opts.modelsDir);
    const embeddingOutput = model.manifest.output.embedding;
    if (!embeddingOutput) {
      throw new VisionModelError(name, 'its manifest names no `output.embedding` (pooled features) output');
    }
    // Before the session: a label file that does not fit the mapping is a configuration error.
    const cocoIndex = buildCocoImageNetIndex(name, model.labels);
    const ms = await createModelSession(model, {
      executionProvider: opts.executionProvider,
      ...sessionThreads(opts),
      logger: opts.logger,
    });
    try {
      for (const output of [embeddingOutput, model.manifest.output.name]) {
        if (!ms.session.outputNames.includes(output)) {
          throw new VisionModelError(
            name,
            `the ONNX file has no output "${output}" (outputs: ${ms.session.outputNames.join(', ')})`,
          );
        }
      }
      const spec = cropInputSpec(model.manifest.input, opts.fit ?? 'letterbox');
      const dim = await imageOutputSize(ms.session, spec, embeddingOutput);
      return new VisionEmbeddingModel(ms, spec, embeddingOutput, cocoIndex, {
        name,
        sha256: model.manifest.model.sha256,
        embeddingDim: dim,
        executionProvider: ms.provider,
        ...batchSettings(opts),
        promptTemplate: '{}',
      });
    } catch (err) {
      await ms.close();
      throw err;
    }
  }

  protected async runImageBatch(images: readonly RawImage[]): Promise<ImagePass[]> {
    const outputs = await this.runImageEncoder(this.ms.session, this.spec, images);
    const features = outputs[this.embeddingOutput]!.data as Float32Array;
    const logits = outputs[this.ms.model.manifest.output.name]!.data as Float32Array;
    const classes = logits.length / images.length;
    const dim = this.embeddingDim;
    return images.map((_, i) => ({
      // The pooled features are ReLU6 outputs, all ≥ 0, so any two crops would have a cosine of
      // ≈ 0.6 from that shared offset alone; removing each vector's mean leaves the differences.
      embedding: normalizeInPlace(centreInPlace(features.slice(i * dim, (i + 1) * dim))),
      classProbs: softmax(logits.subarray(i * classes, (i + 1) * classes)),
    }));
  }

  protected scoreLabels(passes: readonly ImagePass[], labels: readonly string[]): Promise<LabelScores[]> {
    const indices = labels.map((label) => {
      const coco = cocoClass(label);
      const mapped = coco ? this.cocoIndex.get(coco) : undefined;
      return mapped && mapped.length > 0 ? mapped : undefined;
    });
    const reasonFor = (label: string) =>
      cocoClass(label)
        ? `COCO class "${label}" has no ImageNet counterpart, so model "${this.name}" cannot judge it`
        : `"${label}" is not a COCO class; model "${this.name}" can only judge COCO classes (through ImageNet)`;
    return Promise.resolve(
      passes.map((pass) => ({
        labels,
        // A label's probability is the mass of its ImageNet classes; what no candidate claims is the
        // rest of ImageNet, so the candidates' probabilities sum to at most 1.
        probability: indices.map((idx) =>
          idx ? idx.reduce((sum, i) => sum + pass.classProbs![i]!, 0) : null,
        ),
        similarity: labels.map(() => null),
        reasonFor,
      })),
    );
  }

  protected runTextBatch(): Promise<Float32Array[]> {
    // Unreachable: the base class refuses text before calling this.
    return Promise.reject(new Error(`model "${this.name}" has no text encoder`));
  }

  close(): Promise<void> {
    return this.ms.close();
  }
}
