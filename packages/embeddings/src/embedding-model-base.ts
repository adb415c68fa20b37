import type { InferenceSession } from 'onnxruntime-node';
import { InputTensor, type ExecutionProvider, type InputSpec, type RawImage } from '@orion/shared';
import { toRawImage } from './image-input.js';
import { COCO_LABELS, naturalName } from './labels/coco.js';
import { TextCache } from './text-cache.js';
import type {
  AnalyzeItem,
  AnalyzeOptions,
  AnalyzeResult,
  Classification,
  EmbeddingBackend,
  EmbeddingModel,
  EmbeddingStats,
  ImageInput,
  Verification,
  VerifyOptions,
} from './types.js';
import { weightedMean } from './vector-math.js';
import {
  DEFAULT_VERIFY_THRESHOLD,
  assertThreshold,
  classificationFrom,
  verificationFrom,
  withLabel,
  type LabelScores,
} from './verification.js';

/** What one image-encoder pass gives for one image. */
export interface ImagePass {
  /** L2-normalised. */
  embedding: Float32Array;
  /** Softmax over the model's own classes, for backends that have a classifier head. */
  classProbs?: Float64Array;
}

/** This model cannot embed text (it has no text encoder). */
export class TextNotSupportedError extends Error {
  readonly code = 'ERR_NO_TEXT_ENCODER';
  constructor(backend: EmbeddingBackend, model: string, what: string) {
    super(
      `The ${backend} embedding model "${model}" cannot embed text (${what}): it has no text encoder. ` +
        'Use EMBEDDING_MODEL=clip for text and multimodal embeddings.',
    );
    this.name = 'TextNotSupportedError';
  }
}

export interface BaseSettings {
  name: string;
  sha256: string;
  embeddingDim: number;
  executionProvider: ExecutionProvider;
  batchSize: number;
  multimodalTextWeight: number;
  promptTemplate: string;
  textCacheSize?: number;
}

export function assertTextWeight(w: number): void {
  if (!(w >= 0 && w <= 1)) throw new RangeError(`multimodal text weight must be in [0, 1], got ${w}`);
}

/**
 * The backend-independent part of every embedding model: batching, the text embedding cache,
 * multimodal mixing, verification and classification. A backend supplies three things: an image
 * pass over one batch, scores of passes against labels, and (if it can) raw text embeddings.
 */
export abstract class EmbeddingModelBase implements EmbeddingModel {
  abstract readonly backend: EmbeddingBackend;
  abstract readonly canEmbedText: boolean;
  readonly name: string;
  readonly sha256: string;
  readonly embeddingDim: number;
  readonly executionProvider: ExecutionProvider;
  readonly batchSize: number;
  readonly multimodalTextWeight: number;
  readonly defaultCandidates: readonly string[] = COCO_LABELS;
  protected readonly counters: EmbeddingStats = {
    images: 0,
    preprocessMs: 0,
    inferenceMs: 0,
    textsEncoded: 0,
    textCacheHits: 0,
    textMs: 0,
  };
  readonly promptTemplate: string;
  private readonly textCache: TextCache;
  /** One reused input buffer per input spec the model runs (an image tower has one). */
  private readonly inputs = new Map<InputSpec, InputTensor>();

  protected constructor(settings: BaseSettings) {
    if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1) {
      throw new RangeError(`batch size must be a whole number ≥ 1, got ${settings.batchSize}`);
    }
    assertTextWeight(settings.multimodalTextWeight);
    this.name = settings.name;
    this.sha256 = settings.sha256;
    this.embeddingDim = settings.embeddingDim;
    this.executionProvider = settings.executionProvider;
    this.batchSize = settings.batchSize;
    this.multimodalTextWeight = settings.multimodalTextWeight;
    this.promptTemplate = settings.promptTemplate;
    this.textCache = new TextCache(settings.textCacheSize ?? 4096);
  }

  /** Runs the image encoder on at most `batchSize` images. */
  protected abstract runImageBatch(images: readonly RawImage[]): Promise<ImagePass[]>;
  /** Scores each pass against the same labels. */
  protected abstract scoreLabels(
    passes: readonly ImagePass[],
    labels: readonly string[],
  ): Promise<LabelScores[]>;
  /** Normalised text embeddings of at most `batchSize` texts (only called when `canEmbedText`). */
  protected abstract runTextBatch(texts: readonly string[]): Promise<Float32Array[]>;
  abstract close(): Promise<void>;

  get stats(): Readonly<EmbeddingStats> {
    return { ...this.counters };
  }

  promptFor(label: string): string {
    return this.promptTemplate.replaceAll('{}', naturalName(label));
  }

  /** One batch through an image encoder (an NCHW `spec` input), with its preprocess and inference times counted. */
  protected async runImageEncoder(
    session: InferenceSession,
    spec: InputSpec,
    images: readonly RawImage[],
  ): Promise<InferenceSession.OnnxValueMapType> {
    let input = this.inputs.get(spec);
    if (!input) this.inputs.set(spec, (input = new InputTensor(spec, this.batchSize)));
    const { outputs, preprocessMs, inferenceMs } = await input.run(session, images);
    this.counters.preprocessMs += preprocessMs;
    this.counters.inferenceMs += inferenceMs;
    return outputs;
  }

  protected async imagePasses(inputs: readonly ImageInput[]): Promise<ImagePass[]> {
    const passes: ImagePass[] = [];
    for (let i = 0; i < inputs.length; i += this.batchSize) {
      const started = performance.now();
      const images = await Promise.all(inputs.slice(i, i + this.batchSize).map(toRawImage));
      this.counters.preprocessMs += performance.now() - started;
      passes.push(...(await this.runImageBatch(images)));
    }
    this.counters.images += inputs.length;
    return passes;
  }

  async encodeImages(images: readonly ImageInput[]): Promise<Float32Array[]> {
    return (await this.imagePasses(images)).map((p) => p.embedding);
  }

  async encodeImage(image: ImageInput): Promise<Float32Array> {
    return (await this.encodeImages([image]))[0]!;
  }

  async encodeTexts(texts: readonly string[]): Promise<Float32Array[]> {
    if (!this.canEmbedText) throw new TextNotSupportedError(this.backend, this.name, 'encodeText');
    for (const text of texts) {
      if (typeof text !== 'string' || text.trim() === '')
        throw new TypeError('a text to embed must be a non-empty string');
    }
    const cached = texts.filter((t) => this.textCache.has(t)).length;
    const missing = [...new Set(texts.filter((t) => !this.textCache.has(t)))];
    this.counters.textCacheHits += cached;
    const started = performance.now();
    for (let i = 0; i < missing.length; i += this.batchSize) {
      const chunk = missing.slice(i, i + this.batchSize);
      const embeddings = await this.runTextBatch(chunk);
      chunk.forEach((text, j) => this.textCache.set(text, embeddings[j]!));
    }
    this.counters.textsEncoded += missing.length;
    this.counters.textMs += performance.now() - started;
    // Copies: callers may modify what they get without corrupting the cache.
    return texts.map((t) => Float32Array.from(this.textCache.get(t)!));
  }

  async encodeText(text: string): Promise<Float32Array> {
    return (await this.encodeTexts([text]))[0]!;
  }

  async encodeMultimodalBatch(
    items: readonly { image: ImageInput; text: string }[],
    textWeight = this.multimodalTextWeight,
  ): Promise<Float32Array[]> {
    if (!this.canEmbedText) throw new TextNotSupportedError(this.backend, this.name, 'encodeMultimodal');
    assertTextWeight(textWeight);
    const texts = await this.encodeTexts(items.map((i) => i.text));
    const images = await this.encodeImages(items.map((i) => i.image));
    return images.map((image, i) => weightedMean(image, texts[i]!, textWeight));
  }

  async encodeMultimodal(image: ImageInput, text: string, textWeight?: number): Promise<Float32Array> {
    return (await this.encodeMultimodalBatch([{ image, text }], textWeight))[0]!;
  }

  async classifyBatch(
    images: readonly ImageInput[],
    candidates: readonly string[] = this.defaultCandidates,
  ): Promise<Classification[]> {
    const labels = [...new Set(candidates)];
    if (labels.length === 0) throw new RangeError('classify needs at least one candidate label');
    const passes = await this.imagePasses(images);
    return (await this.scoreLabels(passes, labels)).map(classificationFrom);
  }

  async classify(image: ImageInput, candidates?: readonly string[]): Promise<Classification> {
    return (await this.classifyBatch([image], candidates))[0]!;
  }

  async verifyClassifications(
    items: readonly { image: ImageInput; className: string }[],
    threshold = DEFAULT_VERIFY_THRESHOLD,
    options: VerifyOptions = {},
  ): Promise<Verification[]> {
    const results = await this.analyze(items, { verifyThreshold: threshold, candidates: options.candidates });
    return results.map((r) => r.verification!);
  }

  async verifyClassification(
    image: ImageInput,
    className: string,
    threshold?: number,
    options?: VerifyOptions,
  ): Promise<Verification> {
    return (await this.verifyClassifications([{ image, className }], threshold, options))[0]!;
  }

  async analyze(items: readonly AnalyzeItem[], options: AnalyzeOptions = {}): Promise<AnalyzeResult[]> {
    const { verifyThreshold, multimodal = false } = options;
    if (verifyThreshold !== undefined) assertThreshold(verifyThreshold);
    if (multimodal && !this.canEmbedText) {
      throw new TextNotSupportedError(this.backend, this.name, 'multimodal embeddings');
    }
    for (const item of items) {
      if (typeof item.className !== 'string' || item.className.trim() === '') {
        throw new TypeError('each item needs a non-empty className');
      }
    }
    const passes = await this.imagePasses(items.map((i) => i.image));
    const results: AnalyzeResult[] = passes.map((p) => ({ embedding: p.embedding }));

    if (verifyThreshold !== undefined) {
      const candidates = options.candidates ?? this.defaultCandidates;
      // Items are scored in groups sharing one label set, so that each item's probabilities are
      // shared among exactly its candidates and its own class, whatever else is in the batch.
      const groups = new Map<string, number[]>();
      items.forEach((item, i) => {
        const group = groups.get(item.className);
        if (group) group.push(i);
        else groups.set(item.className, [i]);
      });
      for (const [className, indices] of groups) {
        const labels = withLabel(candidates, className);
        const scores = await this.scoreLabels(
          indices.map((i) => passes[i]!),
          labels,
        );
        indices.forEach(
          (i, j) => (results[i]!.verification = verificationFrom(scores[j]!, className, verifyThreshold)),
        );
      }
    }

    if (multimodal) {
      const prompts = items.map((i) => this.promptFor(i.className));
      const texts = await this.encodeTexts(prompts);
      results.forEach(
        (r, i) => (r.multimodal = weightedMean(r.embedding, texts[i]!, this.multimodalTextWeight)),
      );
    }
    return results;
  }
}
