import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '@orion/shared';
import {
  CLIP_IMAGE_INPUT,
  END_OF_TEXT,
  START_OF_TEXT,
  clipManifestPath,
  clipManifestSchema,
  type ClipManifest,
  type ClipManifestInput,
} from '@orion/embeddings';
import { OnnxGraphBuilder, OnnxType } from './onnx-writer.js';

/*
 * Small ONNX encoders with the input/output contract of the usual CLIP exports (`pixel_values` →
 * `image_embeds`, `input_ids` [+ `attention_mask`] → `text_embeds`), for tests and benchmarks on
 * machines without CLIP weights. Their space has one meaningful corner: the words "red", "green" and
 * "blue" and images of those colours point the same way (embedding dimensions 0, 1, 2), so zero-shot
 * classification can be checked end to end (tokenizer → text tower → prompts → softmax).
 *
 * - `colour` image tower: mean colour per channel → linear map. Cheap.
 * - `vit-b32` image tower: ViT-B/32's shapes and operators (32×32 patches, 12 pre-norm blocks of
 *   768-wide attention with 12 heads and a 3072-wide QuickGELU MLP, 512-d projection) with random
 *   weights: the compute of the real encoder, for measuring speed. The 12 blocks share one set of
 *   weights so that the file stays small (≈40 MB); the work per block is the same.
 */

export type SyntheticImageTower = 'colour' | 'vit-b32';

export interface SyntheticClipOptions {
  /** Model name; the manifest is written as `<name>.clip.json`. */
  name: string;
  /** Embedding size (≥ 3). */
  dim: number;
  imageTower?: SyntheticImageTower;
  /** Whether the text encoder takes `attention_mask` too (default true). */
  attentionMask?: boolean;
  /** Element type of the text inputs (default int64; some exports use int32). */
  idType?: 'int64' | 'int32';
  /** Name every image input dimension, as Hugging Face exports do (colour tower only). */
  symbolicImageDims?: boolean;
  contextLength?: number;
  padTokenId?: number;
  seed?: number;
}

export interface SyntheticClip {
  manifest: ClipManifest;
  manifestPath: string;
  imagePath: string;
  textPath: string;
}

/** CLIP BPE ids of the three colour words (with their end-of-word marker). */
export const COLOUR_TOKENS = { red: 736, green: 1901, blue: 1746 } as const;

/** Rows of the text tower's hashed token table. */
const TOKEN_BUCKETS = 4099;

/** Deterministic uniform numbers in [−scale, scale) (mulberry32). */
function randomArray(length: number, scale: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = (u * 2 - 1) * scale;
  }
  return out;
}

/**
 * Mean colour → embedding. Channel c of the normalised mean goes to dimension c (×3), plus a little
 * of every channel into the other dimensions and a bias, so the raw output is not unit length.
 */
function colourImageTower(dim: number, seed: number, symbolic: boolean): Buffer {
  const g = new OnnxGraphBuilder('synthetic_clip_image');
  const pixels = g.input(
    'pixel_values',
    'float',
    symbolic ? ['batch', 'channels', 'height', 'width'] : ['batch', 3, 224, 224],
  );
  const mean = g.node('ReduceMean', [pixels], { axes: { ints: [2, 3] }, keepdims: { int: 0 } });
  const w = randomArray(3 * dim, 0.05, seed);
  for (let c = 0; c < 3; c++) w[c * dim + c] = 3;
  const projected = g.node('MatMul', [mean, g.constant(w, [3, dim])]);
  const biased = g.node('Add', [projected, g.constant(randomArray(dim, 0.2, seed + 1), [dim])]);
  g.output(g.rename(biased, 'image_embeds'), 'float', ['batch', dim]);
  return g.toBuffer();
}

/** One pre-norm transformer block's weights, shared by all blocks (see the note at the top). */
function vitBlock(g: OnnxGraphBuilder, width: number, heads: number, seed: number) {
  const std = 0.02;
  return {
    ln1: [g.constant(new Float32Array(width).fill(1), [width]), g.constant(new Float32Array(width), [width])],
    qkv: g.constant(randomArray(width * 3 * width, std, seed), [width, 3 * width]),
    qkvBias: g.constant(new Float32Array(3 * width), [3 * width]),
    out: g.constant(randomArray(width * width, std, seed + 1), [width, width]),
    ln2: [g.constant(new Float32Array(width).fill(1), [width]), g.constant(new Float32Array(width), [width])],
    fc1: g.constant(randomArray(width * 4 * width, std, seed + 2), [width, 4 * width]),
    fc2: g.constant(randomArray(4 * width * width, std, seed + 3), [4 * width, width]),
    split: g.int64([width, width, width]),
    headShape: g.int64([0, -1, heads, width / heads]),
    mergeShape: g.int64([0, -1, width]),
    scale: g.constant([1 / Math.sqrt(width / heads)], []),
    geluScale: g.constant([1.702], []),
  };
}

function vitImageTower(dim: number, seed: number): Buffer {
  const width = 768;
  const heads = 12;
  const layers = 12;
  const patch = 32;
  const grid = 224 / patch;
  const tokens = grid * grid + 1;
  const g = new OnnxGraphBuilder('synthetic_clip_vit_b32');
  const pixels = g.input('pixel_values', 'float', ['batch', 3, 224, 224]);
  const patches = g.node(
    'Conv',
    [pixels, g.constant(randomArray(width * 3 * patch * patch, 0.02, seed), [width, 3, patch, patch])],
    {
      kernel_shape: { ints: [patch, patch] },
      strides: { ints: [patch, patch] },
    },
  );
  const flat = g.node('Reshape', [patches, g.int64([0, width, grid * grid])]);
  const seq = g.node('Transpose', [flat], { perm: { ints: [0, 2, 1] } });
  // A zero row in front of the patches takes the class embedding, which lives in row 0 of the
  // position table: the same as concatenating a class token, without a batch-sized Expand.
  const padded = g.node('Pad', [seq, g.int64([0, 1, 0, 0, 0, 0])]);
  let x = g.node('Add', [padded, g.constant(randomArray(tokens * width, 0.02, seed + 1), [tokens, width])]);
  const lnScale = g.constant(new Float32Array(width).fill(1), [width]);
  const lnBias = g.constant(new Float32Array(width), [width]);
  x = g.node('LayerNormalization', [x, lnScale, lnBias], { axis: { int: -1 }, epsilon: 1e-5 });
  const w = vitBlock(g, width, heads, seed + 2);
  for (let l = 0; l < layers; l++) {
    const h = g.node('LayerNormalization', [x, w.ln1[0]!, w.ln1[1]!], { axis: { int: -1 }, epsilon: 1e-5 });
    const qkv = g.node('Add', [g.node('MatMul', [h, w.qkv]), w.qkvBias]);
    const [q, k, v] = g.nodeOutputs('Split', [qkv, w.split], { axis: { int: 2 } }, 3) as [
      string,
      string,
      string,
    ];
    const toHeads = (t: string) =>
      g.node('Transpose', [g.node('Reshape', [t, w.headShape])], { perm: { ints: [0, 2, 1, 3] } });
    const kT = g.node('Transpose', [g.node('Reshape', [k, w.headShape])], { perm: { ints: [0, 2, 3, 1] } });
    const scores = g.node('Mul', [g.node('MatMul', [toHeads(q), kT]), w.scale]);
    const attn = g.node('MatMul', [g.node('Softmax', [scores], { axis: { int: -1 } }), toHeads(v)]);
    const merged = g.node('Reshape', [
      g.node('Transpose', [attn], { perm: { ints: [0, 2, 1, 3] } }),
      w.mergeShape,
    ]);
    x = g.node('Add', [x, g.node('MatMul', [merged, w.out])]);
    const h2 = g.node('LayerNormalization', [x, w.ln2[0]!, w.ln2[1]!], { axis: { int: -1 }, epsilon: 1e-5 });
    const up = g.node('MatMul', [h2, w.fc1]);
    // QuickGELU, as in CLIP: x · sigmoid(1.702 x).
    const act = g.node('Mul', [up, g.node('Sigmoid', [g.node('Mul', [up, w.geluScale])])]);
    x = g.node('Add', [x, g.node('MatMul', [act, w.fc2])]);
  }
  const cls = g.node('Gather', [x, g.int64([0], [])], { axis: { int: 1 } });
  const post = g.node('LayerNormalization', [cls, lnScale, lnBias], { axis: { int: -1 }, epsilon: 1e-5 });
  const projected = g.node('MatMul', [
    post,
    g.constant(randomArray(width * dim, 0.05, seed + 3), [width, dim]),
  ]);
  g.output(g.rename(projected, 'image_embeds'), 'float', ['batch', dim]);
  return g.toBuffer();
}

/**
 * Bag of tokens: ids hashed into a table, masked, summed, projected. Start, end and padding tokens
 * have zero rows, so only the words count, as in a real text tower that reads up to the end token.
 */
function textTower(
  dim: number,
  contextLength: number,
  attentionMask: boolean,
  idType: 'int64' | 'int32',
  seed: number,
): Buffer {
  const g = new OnnxGraphBuilder('synthetic_clip_text');
  const input = g.input('input_ids', idType, ['batch', contextLength]);
  const ids = idType === 'int64' ? input : g.node('Cast', [input], { to: { int: OnnxType.int64 } });
  const table = randomArray(TOKEN_BUCKETS * dim, 0.1, seed);
  for (const special of [0, START_OF_TEXT, END_OF_TEXT]) {
    const bucket = special % TOKEN_BUCKETS;
    table.fill(0, bucket * dim, (bucket + 1) * dim);
  }
  Object.values(COLOUR_TOKENS).forEach((token, c) => {
    const bucket = token % TOKEN_BUCKETS;
    const row = table.subarray(bucket * dim, (bucket + 1) * dim);
    row.fill(0);
    row[c] = 2;
  });
  const bucket = g.node('Mod', [ids, g.int64([TOKEN_BUCKETS], [])]);
  let rows = g.node('Gather', [g.constant(table, [TOKEN_BUCKETS, dim]), bucket], { axis: { int: 0 } });
  if (attentionMask) {
    const mask = g.input('attention_mask', idType, ['batch', contextLength]);
    const weights = g.node('Unsqueeze', [
      g.node('Cast', [mask], { to: { int: OnnxType.float } }),
      g.int64([2]),
    ]);
    rows = g.node('Mul', [rows, weights]);
  }
  const summed = g.node('ReduceSum', [rows, g.int64([1])], { keepdims: { int: 0 } });
  const projection = randomArray(dim * dim, 0.05, seed + 1);
  for (let i = 0; i < dim; i++) projection[i * dim + i] = 1;
  const projected = g.node('MatMul', [summed, g.constant(projection, [dim, dim])]);
  g.output(g.rename(projected, 'text_embeds'), 'float', ['batch', dim]);
  return g.toBuffer();
}

/** Writes the two encoders and their `<name>.clip.json` manifest (with real sha256s) into `dir`. */
export async function writeSyntheticClip(dir: string, options: SyntheticClipOptions): Promise<SyntheticClip> {
  const { name, dim } = options;
  if (!Number.isInteger(dim) || dim < 3) throw new RangeError(`dim must be a whole number ≥ 3, got ${dim}`);
  const tower = options.imageTower ?? 'colour';
  const attentionMask = options.attentionMask ?? true;
  const contextLength = options.contextLength ?? 77;
  const seed = options.seed ?? 1;
  await mkdir(dir, { recursive: true });
  const imageFile = `${name}-image.onnx`;
  const textFile = `${name}-text.onnx`;
  const imagePath = join(dir, imageFile);
  const textPath = join(dir, textFile);
  await writeFile(
    imagePath,
    tower === 'vit-b32'
      ? vitImageTower(dim, seed)
      : colourImageTower(dim, seed, options.symbolicImageDims ?? false),
  );
  await writeFile(
    textPath,
    textTower(dim, contextLength, attentionMask, options.idType ?? 'int64', seed + 100),
  );
  const input: ClipManifestInput = {
    name,
    description: `synthetic CLIP-contract encoders (${tower} image tower, ${dim}-d)`,
    task: 'image-text-embedding',
    licence: 'generated',
    imageEncoder: {
      model: { file: imageFile, sha256: await sha256File(imagePath) },
      input: CLIP_IMAGE_INPUT,
    },
    textEncoder: {
      model: { file: textFile, sha256: await sha256File(textPath) },
      ...(attentionMask ? { attentionMask: 'attention_mask' } : {}),
      contextLength,
      ...(options.padTokenId !== undefined ? { padTokenId: options.padTokenId } : {}),
    },
  };
  const manifest = clipManifestSchema.parse(input);
  const manifestPath = clipManifestPath(dir, name);
  await writeFile(manifestPath, `${JSON.stringify(input, null, 2)}\n`);
  return { manifest, manifestPath, imagePath, textPath };
}
