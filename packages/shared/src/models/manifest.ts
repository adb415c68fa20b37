import { z } from 'zod';
import { parseOrThrow } from '../validation/parse-or-throw.js';

/**
 * A model manifest says everything Orion needs to run an ONNX file without code changes: where the
 * file is and its sha256, what the input tensor expects (colour order, normalisation, resize) and how
 * to read the outputs. Built-in manifests ship with Orion; a `<name>.model.json` in the models
 * directory adds a model or overrides a built-in one (docs/models.md).
 */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits' });
/** A file name inside the models directory: no folders, so a manifest cannot point elsewhere. */
const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'must be a plain file name' });
const httpsUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const rgbTriple = z.tuple([z.number(), z.number(), z.number()]);
const positiveInt = z.number().int().positive();

export const modelNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be lowercase letters, digits, "_" or "-"' });

const fileRefSchema = z
  .object({
    file: fileName,
    sha256,
    /** Pinned download location, for `models pull`; absent when the file cannot be downloaded. */
    url: httpsUrl.optional(),
  })
  .strict();

const resizeSchema = z.discriminatedUnion('mode', [
  z
    .object({
      /** Keep the aspect ratio and pad the rest of the input. */
      mode: z.literal('letterbox'),
      align: z.enum(['top-left', 'center']),
      /** Value of padding pixels, in 0–255 pixel units, before normalisation. */
      padValue: z.number().min(0).max(255),
    })
    .strict(),
  z
    .object({
      /** Scale the short side to `shortSide`, then cut the centre to the input size (classifiers). */
      mode: z.literal('resize-crop'),
      shortSide: positiveInt,
    })
    .strict(),
  /** Scale both sides to the input size, ignoring the aspect ratio. */
  z.object({ mode: z.literal('stretch') }).strict(),
]);

export const inputSpecSchema = z
  .object({
    name: z.string().min(1),
    /** `dynamic` when the model accepts any batch size (then frames are batched). */
    batch: z.union([positiveInt, z.literal('dynamic')]),
    width: positiveInt,
    height: positiveInt,
    /** Channel order of the NCHW tensor. */
    colorOrder: z.enum(['RGB', 'BGR']),
    /** value = (pixel × scale − mean) / std, with mean and std in the tensor's channel order. */
    scale: z.number().positive(),
    mean: rgbTriple,
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    resize: resizeSchema,
  })
  .strict();

const detectionOutputSchema = z.discriminatedUnion('format', [
  z
    .object({
      /** [1, Σ cells, 5 + C]: dx, dy, log w, log h, objectness, C class scores (sigmoid applied). */
      format: z.literal('yolox'),
      name: z.string().min(1),
      strides: z.array(positiveInt).min(1),
    })
    .strict(),
  z
    .object({
      /** Per stride a [1, cells, C] score tensor and a [1, cells, 4 × (regMax + 1)] distance tensor. */
      format: z.literal('nanodet'),
      strides: z.array(positiveInt).min(1),
      scores: z.array(z.string().min(1)).min(1),
      boxes: z.array(z.string().min(1)).min(1),
      regMax: positiveInt,
    })
    .strict()
    .refine((o) => o.scores.length === o.strides.length && o.boxes.length === o.strides.length, {
      error: 'needs one scores and one boxes output per stride',
    }),
  z
    .object({
      /** [1, 4 + C, N] (or [1, N, 4 + C]): cx, cy, w, h in input pixels, then C class scores. */
      format: z.literal('yolov8'),
      name: z.string().min(1),
    })
    .strict(),
]);

const classificationOutputSchema = z
  .object({
    format: z.literal('logits'),
    /** [N, C] class logits. */
    name: z.string().min(1),
    /** Optional [N, D, 1, 1] or [N, D] feature output. */
    embedding: z.string().min(1).optional(),
  })
  .strict();

/** Fields of every manifest; models with a class head add their `labels` file. */
const unlabelled = {
  name: modelNameSchema,
  description: z.string().optional(),
  licence: z.string().min(1),
  /** Where the weights come from, for people (and the pinned URL in `model.url`). */
  source: z.string().optional(),
  model: fileRefSchema,
  input: inputSpecSchema,
};

const common = { ...unlabelled, labels: fileRefSchema };

export const detectionManifestSchema = z
  .object({
    ...common,
    task: z.literal('detection'),
    output: detectionOutputSchema,
    /** IoU above which a lower-scored box of the same class is suppressed. */
    nmsIou: z.number().gt(0).lte(1),
  })
  .strict();

export const classificationManifestSchema = z
  .object({
    ...common,
    task: z.literal('classification'),
    output: classificationOutputSchema,
  })
  .strict();

/**
 * A re-identification network: one appearance vector per crop of a class it was trained on (people),
 * compared by cosine. It has no class head, hence no labels file.
 */
export const reidManifestSchema = z
  .object({
    ...unlabelled,
    task: z.literal('reid'),
    output: z
      .object({
        /** [N, D] features, L2-normalised by the caller. */
        format: z.literal('features'),
        name: z.string().min(1),
      })
      .strict(),
  })
  .strict();

export const modelManifestSchema = z.discriminatedUnion('task', [
  detectionManifestSchema,
  classificationManifestSchema,
  reidManifestSchema,
]);

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type DetectionManifest = z.infer<typeof detectionManifestSchema>;
export type ClassificationManifest = z.infer<typeof classificationManifestSchema>;
export type ReidManifest = z.infer<typeof reidManifestSchema>;
export type InputSpec = z.infer<typeof inputSpecSchema>;
export type DetectionOutputSpec = z.infer<typeof detectionOutputSchema>;
export type ResizeSpec = z.infer<typeof resizeSchema>;

/** The files a model needs in the models directory: its weights, and its labels when it has any. */
export function manifestFiles(manifest: ModelManifest): ModelManifest['model'][] {
  return 'labels' in manifest ? [manifest.model, manifest.labels] : [manifest.model];
}

/** A manifest that does not follow the schema; the message names the manifest and each field. */
export class InvalidManifestError extends Error {
  readonly code = 'ERR_INVALID_MANIFEST';
  constructor(
    readonly origin: string,
    issues: string[],
  ) {
    super(`Invalid model manifest ${origin}: ${issues.join('; ')}`);
    this.name = 'InvalidManifestError';
  }
}

/**
 * `value` checked against a manifest schema (model manifests here, CLIP manifests in
 * @orion/embeddings); every failing field is listed in one InvalidManifestError.
 */
export function parseManifestWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  origin: string,
): z.output<S> {
  return parseOrThrow(schema, value, (issues) => new InvalidManifestError(origin, issues));
}

export function parseManifest(value: unknown, origin: string): ModelManifest {
  return parseManifestWith(modelManifestSchema, value, origin);
}
