import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoKeys, type CropToPack, type Observation } from '@orion/shared';
import { putRunObservations, putShardCrops, storeFlaggedVideo, type FlaggedVideo } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

const run = promisify(execFile);
let api: ApiHarness;
let video: FlaggedVideo;
let dir: string;

beforeAll(async () => {
  api = await startApi();
  dir = await mkdtemp(join(tmpdir(), 'orion-flag-export-'));
  video = await storeFlaggedVideo(api.deps.store, api.deps.videos, 'acme');
});
afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Downloads the export and unpacks it with the system's unzip or tar. */
async function exported(query: string, archive: 'zip' | 'tar'): Promise<{ root: string; res: Response }> {
  const res = await api.request(`/v1/videos/${video.id}/flags/export?${query}`);
  expect(res.status).toBe(200);
  const file = join(dir, `${query.replace(/\W/g, '_')}.${archive}`);
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  const root = join(dir, query.replace(/\W/g, '_'));
  await run('mkdir', ['-p', root]);
  if (archive === 'zip') await run('unzip', ['-q', file, '-d', root]);
  else await run('tar', ['-xf', file, '-C', root]);
  return { root, res: res as unknown as Response };
}

interface Coco {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox: number[];
    area: number;
    iscrowd: number;
  }[];
  categories: { id: number; name: string }[];
}

describe('GET /v1/videos/:id/flags/export', () => {
  it('streams a COCO data set in a zip: one image per labelled flag, boxes inside the images', async () => {
    const { root, res } = await exported('format=coco', 'zip');
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain(`${video.id}-flags-coco.zip`);
    // Streamed: no length known up front.
    expect(res.headers.get('content-length')).toBeNull();

    const coco = JSON.parse(await readFile(join(root, 'annotations.json'), 'utf8')) as Coco;
    const listed = await (await api.request(`/v1/videos/${video.id}/observations?flagged=true`)).json();
    const flagged = listed.total as number;
    const manifest = JSON.parse(await readFile(join(root, 'flags.json'), 'utf8'));
    // Every flag is either an image of the data set or listed as left out, with why.
    expect(coco.images.length + manifest.skipped.length).toBe(flagged);
    expect(manifest.skipped.map((s: { observation: string }) => s.observation)).toEqual(video.unlabelled);
    expect(coco.images.length).toBe(video.labelled.size);
    const withBox = [...video.labelled.values()].filter((l) => l !== null);
    expect(coco.annotations.length).toBe(withBox.length);
    expect(coco.categories.map((c) => c.name)).toEqual([...new Set(withBox)].sort());

    const byImage = new Map(coco.images.map((i) => [i.id, i]));
    const byId = new Map(
      manifest.items.map((it: { file: string; observation: string }) => [it.file, it.observation]),
    );
    const ids = new Set<number>();
    for (const a of coco.annotations) {
      expect(ids.has(a.id)).toBe(false);
      ids.add(a.id);
      const image = byImage.get(a.image_id)!;
      const name = coco.categories.find((c) => c.id === a.category_id)!.name;
      expect(name).toBe(video.labelled.get(byId.get(image.file_name) as string));
      const [x, y, w, h] = a.bbox as [number, number, number, number];
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(w).toBeGreaterThan(0);
      expect(h).toBeGreaterThan(0);
      expect(x + w).toBeLessThanOrEqual(image.width + 1e-6);
      expect(y + h).toBeLessThanOrEqual(image.height + 1e-6);
      expect(a.area).toBeCloseTo(w * h, 1);
      expect(a.iscrowd).toBe(0);
    }
    // The first flag's box, [100, 50, 200, 250] in a crop cut at [90, 30, 120, 240] and halved.
    const cup = coco.images.find((i) => i.file_name === '0_0.jpg')!;
    expect(coco.annotations.find((a) => a.image_id === cup.id)!.bbox).toEqual([5, 10, 50, 100]);
    // The no-object crop is an image without boxes.
    const ghost = coco.images.find((i) => i.file_name === '0_2.jpg')!;
    expect(coco.annotations.some((a) => a.image_id === ghost.id)).toBe(false);
    // Each image is a real JPEG of the size the JSON says.
    expect((await readdir(join(root, 'images'))).sort()).toEqual(coco.images.map((i) => i.file_name).sort());
    for (const image of coco.images) {
      const meta = await sharp(join(root, 'images', image.file_name)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', image.width, image.height]);
    }
  });

  it('streams YOLO labels in a tar: normalised boxes, an empty label file for no object', async () => {
    const { root, res } = await exported('format=yolo&archive=tar', 'tar');
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    const classes = (await readFile(join(root, 'classes.txt'), 'utf8')).trim().split('\n');
    const withBox = [...video.labelled.values()].filter((l) => l !== null);
    expect(classes).toEqual([...new Set(withBox)].sort());
    const yaml = await readFile(join(root, 'data.yaml'), 'utf8');
    expect(yaml).toContain(`nc: ${classes.length}`);
    expect(yaml).toContain(`names: [${classes.map((c) => `"${c}"`).join(', ')}]`);
    const labels = (await readdir(join(root, 'labels'))).sort();
    const images = (await readdir(join(root, 'images'))).sort();
    expect(labels.map((l) => l.replace('.txt', '.jpg'))).toEqual(images);
    expect(labels.length).toBe(video.labelled.size);
    for (const [observation, label] of video.labelled) {
      const lines = (await readFile(join(root, 'labels', `${observation.replace(':', '_')}.txt`), 'utf8'))
        .split('\n')
        .filter(Boolean);
      if (label === null) {
        expect(lines).toEqual([]);
        continue;
      }
      expect(lines).toHaveLength(1);
      const [cls, ...box] = lines[0]!.split(' ').map(Number);
      expect(classes[cls!]).toBe(label);
      expect(box).toHaveLength(4);
      for (const v of box) expect(v >= 0 && v <= 1).toBe(true);
      expect(box[2]! > 0 && box[3]! > 0).toBe(true);
    }
    // The cat's box ran past the frame: clipped to its crop, it still lies inside the image.
    const [, cx, , w] = (await readFile(join(root, 'labels', '1_0.txt'), 'utf8')).split(' ').map(Number);
    expect(cx! + w! / 2).toBeLessThanOrEqual(1 + 1e-5);
  });

  it('answers 400 naming the bad format, 404 for an unknown or foreign video, 409 before results', async () => {
    const bad = await api.request(`/v1/videos/${video.id}/flags/export?format=voc`);
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' });
    expect(body.message).toContain('format');
    const badArchive = await api.request(`/v1/videos/${video.id}/flags/export?format=coco&archive=rar`);
    expect(badArchive.status).toBe(400);
    expect((await badArchive.json()).message).toContain('archive');

    const unknown = await api.request(
      '/v1/videos/00000000-0000-4000-8000-000000000000/flags/export?format=coco',
    );
    expect(unknown.status).toBe(404);
    const foreign = await api.request(`/v1/videos/${video.id}/flags/export?format=coco`, {
      key: 'globex-key-0123456789abcdef',
    });
    expect(foreign.status).toBe(404);

    await api.deps.store.delete(`videos/${video.id}/results/r1/observations.json`);
    const early = await api.request(`/v1/videos/${video.id}/flags/export?format=yolo`);
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'RESULTS_NOT_READY' });
  });

  it('survives a client that goes away mid-archive, and serves the whole archive next time', async () => {
    // A copy of the first video with 8 shards of 100 flagged noise crops (~15 MiB): more than sockets buffer.
    const noise = await sharp(
      Buffer.from(Array.from({ length: 160 * 200 * 3 }, (_, j) => (j * 7919) % 251)),
      { raw: { width: 160, height: 200, channels: 3 } },
    )
      .jpeg({ quality: 85 })
      .toBuffer();
    const record = (await api.deps.videos.get(video.id))!;
    const id = `${video.id.slice(0, -4)}beef`;
    await api.deps.videos.create({ ...record, id, sourceKey: videoKeys(id).source });
    const observations: Observation[] = [];
    for (let shard = 0; shard < 8; shard++) {
      const crops: CropToPack[] = [];
      for (let d = 0; d < 100; d++) {
        crops.push({
          detection: d,
          frame: d,
          region: [0, 0, 320, 400],
          jpeg: noise,
          width: 160,
          height: 200,
        });
        observations.push({
          ...video.observations[0]!,
          id: `${shard}:${d}`,
          shard,
          detection: d,
          frame: d,
          box: [20, 20, 300, 380],
        });
      }
      await putShardCrops(api.deps.store, id, shard, crops);
    }
    await putRunObservations(api.deps.store, id, 'r1', observations);

    for (const archive of ['zip', 'tar']) {
      const abort = new AbortController();
      const cut = await api.request(`/v1/videos/${id}/flags/export?format=coco&archive=${archive}`, {
        signal: abort.signal,
      });
      const reader = cut.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      abort.abort();
      await reader.read().catch(() => undefined);
    }
    expect((await api.request('/health')).status).toBe(200);
    const res = await api.request(`/v1/videos/${id}/flags/export?format=coco`);
    const file = join(dir, 'big.zip');
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    const { stdout } = await run('unzip', ['-Z1', file]);
    expect(stdout.split('\n').filter((n) => n.startsWith('images/'))).toHaveLength(800);
  });
});
