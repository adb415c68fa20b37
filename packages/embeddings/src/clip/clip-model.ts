import type { InputSpec, RawImage } from '@orion/shared';
import { EmbeddingModelBase, type BaseSettings, type ImagePass } from '../embedding-model-base.js';
import { cropInputSpec } from '../image-input.js';
import { fixedOutputSize, imageOutputSize } from '../image-output-size.js';
import { batchSettings, type ModelLoadOptions } from '../load-options.js';
import { dot, softmax } from '../vector-math.js';
import type { LabelScores } from '../verification.js';
import { verifyClipFiles } from './clip-files.js';
import { DEFAULT_CLIP_MODEL, findClipManifest, type ClipManifest } from './clip-manifest.js';
import { ClipModelError, normalisedRows } from './clip-model-error.js';
import { openImageTower, type ImageSession } from './image-tower.js';
import { openTextTower, probeTextDim, runTextTower, type TextTower } from './text-tower.js';
import { ClipTokenizer } from './tokenizer.js';

/**
 * The image–text backend: a CLIP-style image encoder and text encoder sharing one space. Labels are
 * scored by the cosine of image and prompt embeddings, turned into probabilities by CLIP's
 * softmax(logitScale × cosine) over the candidates.
 */
export class ClipEmbeddingModel extends EmbeddingModelBase {
  readonly backend = 'clip' as const;
  readonly canEmbedText = true;
  readonly logitScale: number;

  private constructor(
    private readonly ms: ImageSession,
    private readonly spec: InputSpec,
    private readonly text: TextTower,
    readonly tokenizer: ClipTokenizer,
    readonly manifest: ClipManifest,
    settings: BaseSettings,
  ) {
    super(settings);
    this.logitScale = manifest.logitScale;
  }

  static async load(opts: ModelLoadOptions): Promise<ClipEmbeddingModel> {
    const name = opts.model ?? DEFAULT_CLIP_MODEL;
    const { manifest } = await findClipManifest(name, opts.modelsDir);
    const paths = await verifyClipFiles(manifest, opts.modelsDir);
    const tokenizer = await ClipTokenizer.create(
      manifest.textEncoder.contextLength,
      manifest.textEncoder.padTokenId,
    );
    const ms = await openImageTower(manifest, paths.image, opts);
    let text: TextTower | undefined;
    try {
      const imageOutput = manifest.imageEncoder.output;
      if (!ms.session.outputNames.includes(imageOutput)) {
        throw new ClipModelError(
          name,
          `the image encoder has no output "${imageOutput}" (outputs: ${ms.session.outputNames.join(', ')})`,
        );
      }
      text = await openTextTower(manifest, paths.text, opts);
      const spec = cropInputSpec(manifest.imageEncoder.input, opts.fit ?? 'letterbox');
      const imageDim = await imageOutputSize(ms.session, spec, imageOutput);
      const textDim = fixedOutputSize(text.session, text.output) ?? (await probeTextDim(text, tokenizer));
      if (imageDim !== textDim) {
        throw new ClipModelError(
          name,
          `the image encoder gives ${imageDim}-d embeddings but the text encoder ${textDim}-d: they do not share one space`,
        );
      }
      return new ClipEmbeddingModel(ms, spec, text, tokenizer, manifest, {
        name,
        sha256: manifest.imageEncoder.model.sha256,
        embeddingDim: imageDim,
        executionProvider: ms.provider,
        ...batchSettings(opts),
        promptTemplate: manifest.promptTemplate,
        textCacheSize: opts.textCacheSize,
      });
    } catch (err) {
      await ms.close();
      await text?.session.release();
      throw err;
    }
  }

  protected async runImageBatch(images: readonly RawImage[]): Promise<ImagePass[]> {
    const outputs = await this.runImageEncoder(this.ms.session, this.spec, images);
    const embeds = outputs[this.manifest.imageEncoder.output]!.data as Float32Array;
    return normalisedRows(embeds, images.length, this.embeddingDim, 'image encoder', this.name).map(
      (embedding) => ({
        embedding,
      }),
    );
  }

  protected async runTextBatch(texts: readonly string[]): Promise<Float32Array[]> {
    return runTextTower(this.text, this.tokenizer, texts, this.embeddingDim, this.name);
  }

  protected async scoreLabels(
    passes: readonly ImagePass[],
    labels: readonly string[],
  ): Promise<LabelScores[]> {
    const prompts = await this.encodeTexts(labels.map((l) => this.promptFor(l)));
    return passes.map((pass) => {
      const similarity = prompts.map((p) => dot(pass.embedding, p));
      return {
        labels,
        probability: Array.from(softmax(similarity, this.logitScale)),
        similarity,
        reasonFor: () => 'every label can be scored by the CLIP backend',
      };
    });
  }

  async close(): Promise<void> {
    await this.ms.close();
    await this.text.session.release();
  }
}
