import { join } from 'node:path';
import { z } from 'zod';
import {
  classificationManifestSchema,
  findManifestIn,
  inputSpecSchema,
  modelNameSchema,
  parseManifestWith,
  type ManifestSource,
} from '@orion/shared';

/**
 * An image–text (CLIP-family) model: two ONNX files sharing one embedding space, and what feeding
 * them takes. `<name>.clip.json` in the models directory adds a model or overrides a built-in one,
 * like `<name>.model.json` does for detectors (docs/embeddings.md).
 */

const fileRefSchema = classificationManifestSchema.shape.model;

export const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
/** The `pixel_values` input of the usual CLIP image-tower exports: 224×224 RGB, CLIP's normalisation. */
export const CLIP_IMAGE_INPUT = {
  name: 'pixel_values',
  batch: 'dynamic',
  width: 224,
  height: 224,
  colorOrder: 'RGB',
  scale: 1 / 255,
  mean: CLIP_MEAN,
  std: CLIP_STD,
  resize: { mode: 'resize-crop', shortSide: 224 },
} as const satisfies z.input<typeof inputSpecSchema>;
/** CLIP's BPE start and end of text tokens. */
export const START_OF_TEXT = 49406;
export const END_OF_TEXT = 49407;

export const clipManifestSchema = z
  .object({
    name: modelNameSchema,
    description: z.string().optional(),
    task: z.literal('image-text-embedding'),
    licence: z.string().min(1),
    source: z.string().optional(),
    imageEncoder: z
      .object({
        model: fileRefSchema,
        /** The `pixel_values` tensor: size, normalisation and the model's own resize. */
        input: inputSpecSchema,
        output: z.string().min(1).default('image_embeds'),
      })
      .strict(),
    textEncoder: z
      .object({
        model: fileRefSchema,
        inputIds: z.string().min(1).default('input_ids'),
        /** Name of the attention mask input, for exports that take one. */
        attentionMask: z.string().min(1).optional(),
        output: z.string().min(1).default('text_embeds'),
        /** Tokens per text, start and end tokens included (77 for CLIP). */
        contextLength: z.number().int().min(3).max(1024).default(77),
        /** Fills the ids after the end token: 49407 as Hugging Face's tokenizer does, 0 as OpenAI's. */
        padTokenId: z.number().int().min(0).default(END_OF_TEXT),
      })
      .strict(),
    /** CLIP's learned temperature exp(t): similarities × logitScale are the softmax logits. */
    logitScale: z.number().positive().default(100),
    /** How a label becomes a text; `{}` is replaced by the label. */
    promptTemplate: z
      .string()
      .refine((t) => t.includes('{}'), { error: 'must contain {} where the label goes' })
      .default('a photo of a {}.'),
  })
  .strict();

export type ClipManifest = z.output<typeof clipManifestSchema>;
export type ClipManifestInput = z.input<typeof clipManifestSchema>;

const XENOVA_B32 =
  'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/d15189d7028b43f1d3e65039190477f6af591c2a';

/**
 * OpenAI CLIP ViT-B/32 as exported to ONNX by Xenova (transformers.js): fp32 towers of 352 MB and
 * 254 MB. Not on these machines: `models pull` or the steps in docs/embeddings.md put them in place.
 */
export const CLIP_VIT_B32: ClipManifest = clipManifestSchema.parse({
  name: 'clip-vit-b32',
  description: 'OpenAI CLIP ViT-B/32 image and text encoders (fp32 ONNX export by Xenova)',
  task: 'image-text-embedding',
  licence: 'MIT',
  source: 'openai/clip-vit-base-patch32; ONNX export huggingface.co/Xenova/clip-vit-base-patch32 @d15189d',
  imageEncoder: {
    model: {
      file: 'clip-vit-b32-vision.onnx',
      sha256: 'fd6e1402a588279d1723c7534d4bcba5bc0b14b47dfab0e46f8c47b8270d7d40',
      url: `${XENOVA_B32}/onnx/vision_model.onnx`,
    },
    input: CLIP_IMAGE_INPUT,
    output: 'image_embeds',
  },
  textEncoder: {
    model: {
      file: 'clip-vit-b32-text.onnx',
      sha256: '3f6571f5bad13a97c469c1622e1cfc4d9aef78b79fdbfcff804ca357bfada8cc',
      url: `${XENOVA_B32}/onnx/text_model.onnx`,
    },
    inputIds: 'input_ids',
    output: 'text_embeds',
    contextLength: 77,
    padTokenId: END_OF_TEXT,
  },
  logitScale: 100,
  promptTemplate: 'a photo of a {}.',
});

export const BUILTIN_CLIP_MANIFESTS: readonly ClipManifest[] = [CLIP_VIT_B32];

/** The model EMBEDDING_MODEL=clip loads unless told otherwise. */
export const DEFAULT_CLIP_MODEL = CLIP_VIT_B32.name;

export const clipManifestPath = (modelsDir: string, name: string) => join(modelsDir, `${name}.clip.json`);

export function parseClipManifest(value: unknown, origin: string): ClipManifest {
  return parseManifestWith(clipManifestSchema, value, origin);
}

/** CLIP manifests: `<name>.clip.json`, or BUILTIN_CLIP_MANIFESTS. */
const CLIP_MANIFESTS: ManifestSource<ClipManifest> = {
  path: clipManifestPath,
  parse: parseClipManifest,
  builtins: BUILTIN_CLIP_MANIFESTS,
  unknown: (name, modelsDir) =>
    new Error(
      `Unknown CLIP model "${name}": there is no ${clipManifestPath(modelsDir, name)} and no built-in CLIP model of that name (built-in: ${BUILTIN_CLIP_MANIFESTS.map((m) => m.name).join(', ')})`,
    ),
};

/** `<modelsDir>/<name>.clip.json` when present, else the built-in manifest of that name. */
export function findClipManifest(
  name: string,
  modelsDir: string,
): Promise<{ manifest: ClipManifest; origin: string }> {
  return findManifestIn(CLIP_MANIFESTS, name, modelsDir);
}
