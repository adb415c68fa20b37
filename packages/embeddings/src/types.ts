import type { EmbeddingBackend, ExecutionProvider, RawImage } from '@orion/shared';

/** A decoded RGB image, or the bytes of an encoded one (JPEG, PNG, WebP …). */
export type ImageInput = RawImage | Buffer | Uint8Array;

export type { EmbeddingBackend };

/** How sure a verdict is: see `confidenceOf` in verification.ts for the rule. */
export type Confidence = 'high' | 'medium' | 'low';

/**
 * Whether an image shows `className`. `probability` is the class's share of the probability over
 * all candidate labels (COCO unless told otherwise), so one threshold means the same for every model.
 * `status: 'unverifiable'`: the model has no way to judge this class (the vision backend for a COCO
 * class without ImageNet counterpart); every score is then null rather than a made-up number.
 */
export type Verification =
  | {
      status: 'verified';
      className: string;
      isMatch: boolean;
      /** Cosine similarity of image and class prompt; null for models without a text encoder. */
      similarity: number | null;
      probability: number;
      confidence: Confidence;
      /** The best zero-shot label among the candidates, and its probability. */
      suggestedClass: string;
      suggestedProbability: number;
      threshold: number;
    }
  | {
      status: 'unverifiable';
      className: string;
      isMatch: null;
      similarity: null;
      probability: null;
      confidence: null;
      suggestedClass: string | null;
      suggestedProbability: number | null;
      threshold: number;
      reason: string;
    };

export interface RankedLabel {
  label: string;
  probability: number;
  /** Cosine similarity of image and label prompt; null for models without a text encoder. */
  similarity: number | null;
}

export interface Classification {
  /** Candidates the model can score, most probable first. */
  ranked: RankedLabel[];
  /** Candidates the model cannot judge at all (never given a score). */
  unverifiable: string[];
}

export interface VerifyOptions {
  /** Labels the probability is shared among; defaults to the 80 COCO classes. The class itself is added. */
  candidates?: readonly string[];
}

/** One crop for `analyze`: its image, and the class a detector gave it. */
export interface AnalyzeItem {
  image: ImageInput;
  className: string;
}

export interface AnalyzeOptions {
  /** Verify each item's class against this threshold. */
  verifyThreshold?: number;
  /** Also return the image embedding conditioned on the class prompt. */
  multimodal?: boolean;
  candidates?: readonly string[];
}

export interface AnalyzeResult {
  embedding: Float32Array;
  multimodal?: Float32Array;
  verification?: Verification;
}

/** Cumulative work of a model since it was loaded (subtract two readings to time a stretch). */
export interface EmbeddingStats {
  images: number;
  /** Decoding and resizing images into the input tensor. */
  preprocessMs: number;
  /** Image encoder runs. */
  inferenceMs: number;
  textsEncoded: number;
  textCacheHits: number;
  textMs: number;
}

/**
 * One interface over the embedding backends. Every vector returned is L2-normalised and
 * `embeddingDim` long. Batch methods keep the input order and run the model in batches of
 * `batchSize`.
 */
export interface EmbeddingModel {
  readonly backend: EmbeddingBackend;
  /** Model name (its manifest). */
  readonly name: string;
  /** sha256 of the image encoder weights (identifies the embedding space). */
  readonly sha256: string;
  /** Read from the model's output shape, never assumed. */
  readonly embeddingDim: number;
  /** The execution provider that really runs the image encoder (`cpu`, `cuda`). */
  readonly executionProvider: ExecutionProvider;
  readonly canEmbedText: boolean;
  readonly batchSize: number;
  /** Weight of the text in `encodeMultimodal` when none is given (0: image only, 1: text only). */
  readonly multimodalTextWeight: number;
  readonly defaultCandidates: readonly string[];
  readonly stats: Readonly<EmbeddingStats>;

  /** How a label becomes a text for the text encoder; `{}` stands for the label. */
  readonly promptTemplate: string;
  /** The text a label becomes for the text encoder (the prompt template filled in). */
  promptFor(label: string): string;

  encodeImage(image: ImageInput): Promise<Float32Array>;
  encodeImages(images: readonly ImageInput[]): Promise<Float32Array[]>;
  encodeText(text: string): Promise<Float32Array>;
  encodeTexts(texts: readonly string[]): Promise<Float32Array[]>;
  /** normalize((1 − w)·image + w·text), w = `textWeight` or `multimodalTextWeight`. */
  encodeMultimodal(image: ImageInput, text: string, textWeight?: number): Promise<Float32Array>;
  encodeMultimodalBatch(
    items: readonly { image: ImageInput; text: string }[],
    textWeight?: number,
  ): Promise<Float32Array[]>;
  verifyClassification(
    image: ImageInput,
    className: string,
    threshold?: number,
    options?: VerifyOptions,
  ): Promise<Verification>;
  verifyClassifications(
    items: readonly { image: ImageInput; className: string }[],
    threshold?: number,
    options?: VerifyOptions,
  ): Promise<Verification[]>;
  classify(image: ImageInput, candidates?: readonly string[]): Promise<Classification>;
  classifyBatch(images: readonly ImageInput[], candidates?: readonly string[]): Promise<Classification[]>;
  /** Embedding, verification and multimodal embedding of each crop from one image-encoder pass. */
  analyze(items: readonly AnalyzeItem[], options?: AnalyzeOptions): Promise<AnalyzeResult[]>;
  close(): Promise<void>;
}
