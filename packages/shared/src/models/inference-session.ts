import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InferenceSession, Tensor, env as ortEnv, listSupportedBackends } from 'onnxruntime-node';
import type { Logger } from 'pino';
import type { ModelManifest } from './manifest.js';
import type { ResolvedModel } from './resolve-model.js';
import type { ExecutionProvider, ExecutionProviderSetting } from '../vocabulary.js';
import { CodedError } from '../errors/coded-error.js';
import { needsInt8Precision } from './int8-precision.js';

export interface SessionSettings {
  executionProvider: ExecutionProviderSetting;
  /** Threads inside one operator; undefined lets ONNX Runtime pick (one per core). */
  intraOpThreads?: number;
  /** Threads running independent operators in parallel. */
  interOpThreads?: number;
  /** Let idle pool threads spin for work (ONNX Runtime's default; undefined keeps it). */
  allowSpinning?: boolean;
  logger?: Logger;
}

let int8PrecisionHere: boolean | undefined;
/** `needsInt8Precision` on this machine, read once, when the first session opens. */
function int8Precision(): boolean {
  return (int8PrecisionHere ??= needsInt8Precision());
}

/**
 * Session config entries every session gets. Spin-waiting of the thread pools: spinning buys latency
 * when a session has its cores to itself and burns them when processes share cores (a detect and an
 * embed worker on one machine): there the spinning threads of one steal cycles from the other's
 * work. Exact int8 products on CPUs without VNNI (`needsInt8Precision`).
 */
export function sessionConfigOptions(
  allowSpinning: boolean | undefined,
  widenInt8 = int8Precision(),
): Pick<InferenceSession.SessionOptions, 'extra'> {
  const session: Record<string, unknown> = {};
  if (allowSpinning !== undefined) {
    const spin = allowSpinning ? '1' : '0';
    Object.assign(session, { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } });
  }
  if (widenInt8) session.x64quantprecision = '1';
  return Object.keys(session).length > 0 ? { extra: { session } } : {};
}

/** An ONNX Runtime session with the provider that really runs it. */
export interface ModelSession<M extends ModelManifest = ModelManifest> {
  model: ResolvedModel<M>;
  session: InferenceSession;
  provider: ExecutionProvider;
  /** Graph nodes per execution provider, counted in a profiled warm-up run. */
  nodesByProvider: Record<string, number>;
  close(): Promise<void>;
}

/** The requested execution provider cannot run this model here. */
export class ExecutionProviderError extends CodedError {
  readonly code = 'ERR_EXECUTION_PROVIDER';
}

/** The ONNX file does not have the input the manifest describes. */
export class ModelMismatchError extends CodedError {
  readonly code = 'ERR_MODEL_MISMATCH';
  constructor(model: string, path: string, detail: string) {
    super(`Model "${model}" (${path}) does not match its manifest: ${detail}`);
  }
}

// Warnings such as NanoDet's unused initializers are noise for operators; errors still show.
ortEnv.logLevel = 'error';

const PROVIDER_NAMES: Record<string, string> = {
  CPUExecutionProvider: 'cpu',
  CUDAExecutionProvider: 'cuda',
  TensorrtExecutionProvider: 'tensorrt',
};

/**
 * The CUDA provider library shipped beside onnxruntime-node's binding, when installed. Without it
 * (the CPU-only install) a CUDA attempt can only fail, so `auto` does not try and log a scary error.
 */
export function cudaProviderLibrary(): string | undefined {
  if (!listSupportedBackends().some((b) => b.name === 'cuda')) return undefined;
  const pkgDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const binDir = join(pkgDir, 'bin');
  if (!existsSync(binDir)) return undefined;
  const lib =
    process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  for (const napi of readdirSync(binDir)) {
    const candidate = join(binDir, napi, process.platform, process.arch, lib);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function checkInput(model: ResolvedModel, session: InferenceSession): void {
  const spec = model.manifest.input;
  const meta = session.inputMetadata.find((m) => m.name === spec.name);
  if (!meta || !meta.isTensor) {
    throw new ModelMismatchError(
      model.manifest.name,
      model.modelPath,
      `no tensor input "${spec.name}" (inputs: ${session.inputNames.join(', ')})`,
    );
  }
  const expected = [spec.batch, 3, spec.height, spec.width];
  const ok =
    meta.shape.length === 4 &&
    meta.shape.every((dim, i) => {
      const want = expected[i];
      // A named (symbolic) dimension takes any size, including the manifest's: Hugging Face exports
      // name all four (batch_size, num_channels, height, width).
      if (typeof dim !== 'number' || dim < 0) return true;
      return want === dim;
    });
  if (!ok) {
    throw new ModelMismatchError(
      model.manifest.name,
      model.modelPath,
      `input "${spec.name}" has shape [${meta.shape.join(', ')}], the manifest says [${expected.join(', ')}]`,
    );
  }
}

/**
 * Runs the model once on a blank input with ONNX Runtime's profiler on, and counts the graph nodes
 * each execution provider ran. This is the only reliable answer to "is CUDA really running": a
 * session can be created with CUDA registered and still place every node on the CPU.
 */
async function profileWarmup(session: InferenceSession, model: ResolvedModel, profileDir: string) {
  const { name, width, height } = model.manifest.input;
  const input = new Tensor('float32', new Float32Array(3 * width * height), [1, 3, height, width]);
  await session.run({ [name]: input });
  session.endProfiling();
  const counts: Record<string, number> = {};
  for (const file of await readdir(profileDir)) {
    const events = JSON.parse(await readFile(join(profileDir, file), 'utf8')) as {
      cat?: string;
      args?: { provider?: string };
    }[];
    for (const e of events) {
      const provider = e.cat === 'Node' ? e.args?.provider : undefined;
      if (provider) {
        const short = PROVIDER_NAMES[provider] ?? provider;
        counts[short] = (counts[short] ?? 0) + 1;
      }
    }
  }
  return counts;
}

async function openSession(
  model: ResolvedModel,
  provider: ExecutionProvider,
  settings: SessionSettings,
): Promise<{ session: InferenceSession; nodesByProvider: Record<string, number> }> {
  const profileDir = await mkdtemp(join(tmpdir(), 'orion-ort-profile-'));
  try {
    const session = await InferenceSession.create(model.modelPath, {
      executionProviders: [provider],
      // ONNX Runtime refuses these keys when present but undefined.
      ...(settings.intraOpThreads !== undefined ? { intraOpNumThreads: settings.intraOpThreads } : {}),
      ...(settings.interOpThreads !== undefined ? { interOpNumThreads: settings.interOpThreads } : {}),
      graphOptimizationLevel: 'all',
      ...sessionConfigOptions(settings.allowSpinning),
      enableProfiling: true,
      profileFilePrefix: join(profileDir, 'warmup'),
    });
    try {
      checkInput(model, session);
      return { session, nodesByProvider: await profileWarmup(session, model, profileDir) };
    } catch (err) {
      await session.release();
      throw err;
    }
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
}

/**
 * Opens a session on the execution provider that EXECUTION_PROVIDER asks for: `cpu`; `cuda` (an error
 * when CUDA cannot run the model); `auto`, CUDA when it really runs, else CPU. The provider returned
 * is the one the profiled warm-up saw running nodes, never just the one requested.
 */
export async function createModelSession<M extends ModelManifest>(
  model: ResolvedModel<M>,
  settings: SessionSettings,
): Promise<ModelSession<M>> {
  const { executionProvider: requested, logger } = settings;
  const name = model.manifest.name;
  let fallbackReason: string | undefined;

  if (requested !== 'cpu') {
    const lib = cudaProviderLibrary();
    if (!lib) {
      fallbackReason = 'the CUDA provider library of onnxruntime-node is not installed';
    } else {
      try {
        const opened = await openSession(model, 'cuda', settings);
        if ((opened.nodesByProvider.cuda ?? 0) > 0) return finish(model, opened, 'cuda', requested, logger);
        await opened.session.release();
        fallbackReason = 'CUDA was registered but ran no node of the model';
      } catch (err) {
        if (err instanceof ModelMismatchError) throw err;
        fallbackReason = `CUDA could not start: ${(err as Error).message}`;
      }
    }
    if (requested === 'cuda') {
      throw new ExecutionProviderError(
        `EXECUTION_PROVIDER=cuda but CUDA cannot run model "${name}": ${fallbackReason}. Use EXECUTION_PROVIDER=auto or cpu.`,
      );
    }
  }
  const opened = await openSession(model, 'cpu', settings);
  return finish(model, opened, 'cpu', requested, logger, fallbackReason);
}

function finish<M extends ModelManifest>(
  model: ResolvedModel<M>,
  opened: { session: InferenceSession; nodesByProvider: Record<string, number> },
  provider: ExecutionProvider,
  requested: ExecutionProviderSetting,
  logger: Logger | undefined,
  fallbackReason?: string,
): ModelSession<M> {
  logger?.info(
    {
      model: model.manifest.name,
      provider,
      requested,
      nodesByProvider: opened.nodesByProvider,
      ...(fallbackReason ? { fallbackReason } : {}),
    },
    `model ${model.manifest.name} runs on ${provider.toUpperCase()}`,
  );
  return {
    model,
    session: opened.session,
    provider,
    nodesByProvider: opened.nodesByProvider,
    close: () => opened.session.release(),
  };
}
