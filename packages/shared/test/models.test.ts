import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_MANIFESTS,
  ExecutionProviderError,
  InvalidManifestError,
  ModelDownloadError,
  ModelFileError,
  ModelMismatchError,
  UnknownModelError,
  WrongModelTaskError,
  createModelSession,
  cudaProviderLibrary,
  listModelNames,
  pullModel,
  resolveDetectionModel,
  resolveModel,
  resolveReidModel,
  sha256File,
  type DetectionManifest,
} from '@orion/shared';
import { modelPath } from '@orion/testkit';

const shared = modelPath();
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'orion-models-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const yolox = BUILTIN_MANIFESTS.find((m) => m.name === 'yolox_nano')! as DetectionManifest;

/** A models folder holding a copy of YOLOX-Nano and its labels, plus extra manifests. */
async function dirWithYolox(manifests: Record<string, unknown> = {}): Promise<string> {
  const dir = await tempDir();
  await copyFile(join(shared, 'yolox_nano.onnx'), join(dir, 'yolox_nano.onnx'));
  await copyFile(join(shared, 'coco.names'), join(dir, 'coco.names'));
  for (const [name, m] of Object.entries(manifests))
    await writeFile(join(dir, `${name}.model.json`), JSON.stringify(m));
  return dir;
}

describe('model manifests and files', () => {
  it('resolves every built-in model from ../shared/models with verified files and labels', async () => {
    const labelCounts: Record<string, number> = {};
    for (const m of BUILTIN_MANIFESTS) {
      const resolved = await resolveModel(m.name, shared);
      expect(resolved.modelPath).toBe(join(shared, m.model.file));
      expect(await sha256File(resolved.modelPath)).toBe(m.model.sha256);
      labelCounts[m.name] = resolved.labels.length;
    }
    expect(labelCounts).toEqual({
      yolox_nano: 80,
      nanodet_m: 80,
      mobilenetv2: 1000,
      mobilenetv2_emb: 1000,
      osnet_x0_25_msmt17: 0,
    });
    expect((await resolveModel('yolox_nano', shared)).labels.slice(0, 3)).toEqual([
      'person',
      'bicycle',
      'car',
    ]);
  });

  it('opens the re-id model from its manifest: 256×128 RGB in, 512-d features out', async () => {
    const model = await resolveReidModel('osnet_x0_25_msmt17', shared);
    expect(model.manifest.input).toMatchObject({ width: 128, height: 256, colorOrder: 'RGB' });
    const ms = await createModelSession(model, { executionProvider: 'cpu', intraOpThreads: 1 });
    try {
      const input = new Tensor('float32', new Float32Array(2 * 3 * 256 * 128), [2, 3, 256, 128]);
      const out = await ms.session.run({ [model.manifest.input.name]: input });
      expect(out[model.manifest.output.name]!.dims).toEqual([2, 512]);
    } finally {
      await ms.close();
    }
    await expect(resolveReidModel('mobilenetv2', shared)).rejects.toThrow(WrongModelTaskError);
    await expect(resolveReidModel('mobilenetv2', shared)).rejects.toThrow(
      'Model "mobilenetv2" is a classification model; a reid model is needed here',
    );
  });

  it('names a missing model file and how to get it', async () => {
    const dir = await tempDir();
    const err = await resolveModel('yolox_nano', dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).problem).toBe('missing');
    expect((err as Error).message).toContain(
      `Model file missing: ${join(dir, 'yolox_nano.onnx')} (model "yolox_nano")`,
    );
    expect((err as Error).message).toMatch(/pull yolox_nano/);
  });

  it('names a corrupt model file with both checksums', async () => {
    const dir = await dirWithYolox();
    const file = join(dir, 'yolox_nano.onnx');
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    await writeFile(file, bytes);
    const err = await resolveModel('yolox_nano', dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toContain(`Model file corrupt: ${file}`);
    expect((err as Error).message).toContain(`expects ${yolox.model.sha256}`);
    expect((err as Error).message).toContain(await sha256File(file));
  });

  it('refuses an unknown model name, listing the known ones', async () => {
    await expect(resolveModel('yolo_huge', shared)).rejects.toThrow(UnknownModelError);
    await expect(resolveModel('yolo_huge', shared)).rejects.toThrow(/built-in: yolox_nano, nanodet_m/);
    await expect(resolveDetectionModel('mobilenetv2', shared)).rejects.toThrow(
      /a classification model; a detection model/,
    );
  });

  it('reads user manifests from the models directory, checking them field by field', async () => {
    const dir = await dirWithYolox({
      my_yolox: { ...yolox, name: 'my_yolox', nmsIou: 0.5 },
      broken: { ...yolox, name: 'broken', input: { ...yolox.input, colorOrder: 'BRG' }, nmsIou: 2 },
    });
    const mine = await resolveModel('my_yolox', dir);
    expect(mine.manifestOrigin).toBe(join(dir, 'my_yolox.model.json'));
    expect(mine.manifest).toMatchObject({ name: 'my_yolox', nmsIou: 0.5 });
    expect(await listModelNames(dir)).toEqual([
      'broken',
      'mobilenetv2',
      'mobilenetv2_emb',
      'my_yolox',
      'nanodet_m',
      'osnet_x0_25_msmt17',
      'yolox_nano',
    ]);
    const err = await resolveModel('broken', dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidManifestError);
    expect((err as Error).message).toContain(join(dir, 'broken.model.json'));
    expect((err as Error).message).toMatch(/input\.colorOrder/);
    expect((err as Error).message).toMatch(/nmsIou/);
  });
});

describe('inference sessions', () => {
  it('runs on the CPU when asked, and says so from what really ran', async () => {
    const ms = await createModelSession(await resolveModel('yolox_nano', shared), {
      executionProvider: 'cpu',
      intraOpThreads: 1,
    });
    try {
      expect(ms.provider).toBe('cpu');
      expect(Object.keys(ms.nodesByProvider)).toEqual(['cpu']);
      expect(ms.nodesByProvider.cpu).toBeGreaterThan(100);
      const out = await ms.session.run({
        images: new Tensor('float32', new Float32Array(3 * 416 * 416), [1, 3, 416, 416]),
      });
      expect(out.output!.dims).toEqual([1, 3549, 85]);
    } finally {
      await ms.close();
    }
  });

  it('auto uses CUDA only where it really runs, and cuda fails clearly where it cannot', async () => {
    const model = await resolveModel('nanodet_m', shared);
    const auto = await createModelSession(model, { executionProvider: 'auto', intraOpThreads: 1 });
    await auto.close();
    if (cudaProviderLibrary()) {
      expect(auto.provider).toBe('cuda');
      expect(auto.nodesByProvider.cuda).toBeGreaterThan(0);
    } else {
      expect(auto.provider).toBe('cpu');
      const err = await createModelSession(model, { executionProvider: 'cuda' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExecutionProviderError);
      expect((err as Error).message).toMatch(/EXECUTION_PROVIDER=cuda but CUDA cannot run model "nanodet_m"/);
    }
  });

  it('refuses a model whose input differs from its manifest', async () => {
    const dir = await dirWithYolox({
      yolox_320: { ...yolox, name: 'yolox_320', input: { ...yolox.input, width: 320, height: 320 } },
    });
    const err = await createModelSession(await resolveModel('yolox_320', dir), {
      executionProvider: 'cpu',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelMismatchError);
    expect((err as Error).message).toMatch(
      /input "images" has shape \[1, 3, 416, 416\], the manifest says \[1, 3, 320, 320\]/,
    );
  });
});

describe('pulling models by URL', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // Serves ../shared/models over HTTP; under /bad/ every file comes back with one byte changed.
    server = createServer((req, res) => {
      const [, area, name] = (req.url ?? '').split('/');
      readFile(join(shared, name ?? ''))
        .then((bytes) => {
          if (area === 'bad') bytes[0] = bytes[0]! ^ 0xff;
          res.end(bytes);
        })
        .catch(() => {
          res.statusCode = 404;
          res.end();
        });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const manifestFrom = (area: string, name = 'remote_yolox') => ({
    ...yolox,
    name,
    model: { ...yolox.model, url: `${base}/${area}/yolox_nano.onnx` },
    labels: { ...yolox.labels, url: `${base}/${area}/coco.names` },
  });

  it('downloads into an empty cache, verified, and keeps verified files on the next pull', async () => {
    const cache = await tempDir();
    await writeFile(join(cache, 'remote_yolox.model.json'), JSON.stringify(manifestFrom('ok')));
    const first = await pullModel('remote_yolox', cache);
    expect(first.map((f) => [f.file, f.action])).toEqual([
      ['yolox_nano.onnx', 'downloaded'],
      ['coco.names', 'downloaded'],
    ]);
    expect((await resolveModel('remote_yolox', cache)).labels).toHaveLength(80);
    expect((await pullModel('remote_yolox', cache)).map((f) => f.action)).toEqual(['present', 'present']);
  });

  it('keeps nothing of a download whose sha256 is wrong, and reports HTTP errors', async () => {
    const cache = await tempDir();
    await writeFile(join(cache, 'remote_yolox.model.json'), JSON.stringify(manifestFrom('bad')));
    const err = await pullModel('remote_yolox', cache).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toMatch(/the download has sha256 [0-9a-f]{64} but the manifest expects/);
    expect(await readdir(cache)).toEqual(['remote_yolox.model.json']);

    await writeFile(
      join(cache, 'gone.model.json'),
      JSON.stringify({
        ...manifestFrom('ok', 'gone'),
        model: { ...yolox.model, url: `${base}/ok/nothing.onnx` },
      }),
    );
    await expect(pullModel('gone', cache)).rejects.toThrow(ModelDownloadError);
    await expect(pullModel('gone', cache)).rejects.toThrow(/HTTP 404/);
  });
});
