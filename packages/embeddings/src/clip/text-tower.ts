import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionConfigOptions } from '@orion/shared';
import { sessionThreads, type ModelLoadOptions } from '../load-options.js';
import type { ClipManifest } from './clip-manifest.js';
import { ClipModelError, normalisedRows } from './clip-model-error.js';
import type { ClipTokenizer } from './tokenizer.js';

type IdType = 'int64' | 'int32';

/** The text encoder's session and how to feed it. */
export interface TextTower {
  session: InferenceSession;
  inputIds: string;
  attentionMask?: string;
  idType: IdType;
  maskType: IdType;
  output: string;
}

function idTypeOf(session: InferenceSession, input: string, model: string): IdType {
  const meta = session.inputMetadata.find((m) => m.name === input);
  if (!meta?.isTensor) throw new ClipModelError(model, `the text encoder has no tensor input "${input}"`);
  if (meta.type !== 'int64' && meta.type !== 'int32') {
    throw new ClipModelError(
      model,
      `text input "${input}" is ${meta.type}; token ids must be int64 or int32`,
    );
  }
  return meta.type;
}

export async function openTextTower(
  manifest: ClipManifest,
  path: string,
  opts: ModelLoadOptions,
): Promise<TextTower> {
  const spec = manifest.textEncoder;
  const threads = sessionThreads(opts);
  // Prompts are few and cached, so the text tower always runs on the CPU (docs/embeddings.md).
  const session = await InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads.intraOpThreads,
    interOpNumThreads: threads.interOpThreads,
    ...sessionConfigOptions(threads.allowSpinning),
    graphOptimizationLevel: 'all',
  });
  try {
    // Exports differ on the attention mask: use it when the manifest names it or the model has the
    // usual input; any other input is something this backend does not know how to fill.
    const attentionMask =
      spec.attentionMask ?? (session.inputNames.includes('attention_mask') ? 'attention_mask' : undefined);
    const known = new Set([spec.inputIds, attentionMask]);
    const unknown = session.inputNames.filter((n) => !known.has(n));
    if (unknown.length) {
      throw new ClipModelError(
        manifest.name,
        `the text encoder has inputs the manifest does not describe: ${unknown.join(', ')}`,
      );
    }
    if (!session.outputNames.includes(spec.output)) {
      throw new ClipModelError(
        manifest.name,
        `the text encoder has no output "${spec.output}" (outputs: ${session.outputNames.join(', ')})`,
      );
    }
    return {
      session,
      inputIds: spec.inputIds,
      attentionMask,
      idType: idTypeOf(session, spec.inputIds, manifest.name),
      maskType: attentionMask ? idTypeOf(session, attentionMask, manifest.name) : 'int64',
      output: spec.output,
    };
  } catch (err) {
    await session.release();
    throw err;
  }
}

function idTensor(type: IdType, values: number[], dims: number[]): Tensor {
  if (type === 'int32') return new Tensor('int32', Int32Array.from(values), dims);
  const ids = BigInt64Array.from(values, (v) => BigInt(v));
  return new Tensor('int64', ids, dims);
}

/** Normalised text embeddings of `texts`; `dim` checks the output size when known. */
export async function runTextTower(
  tower: TextTower,
  tokenizer: ClipTokenizer,
  texts: readonly string[],
  dim: number | undefined,
  model: string,
): Promise<Float32Array[]> {
  const n = texts.length;
  const ctx = tokenizer.contextLength;
  const ids: number[] = [];
  const mask: number[] = [];
  for (const text of texts) {
    const t = tokenizer.tokenize(text);
    ids.push(...t.ids);
    for (let i = 0; i < ctx; i++) mask.push(i < t.length ? 1 : 0);
  }
  const feeds: Record<string, Tensor> = { [tower.inputIds]: idTensor(tower.idType, ids, [n, ctx]) };
  if (tower.attentionMask) feeds[tower.attentionMask] = idTensor(tower.maskType, mask, [n, ctx]);
  const out = (await tower.session.run(feeds))[tower.output]!.data as Float32Array;
  return normalisedRows(out, n, dim ?? out.length / n, 'text encoder', model);
}

/** The text embedding size from one run, for exports whose output shape is symbolic. */
export async function probeTextDim(tower: TextTower, tokenizer: ClipTokenizer): Promise<number> {
  return (await runTextTower(tower, tokenizer, ['a photo'], undefined, ''))[0]!.length;
}
