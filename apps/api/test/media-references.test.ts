import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatList, fileForm, hlsPlaylist, makeTestVideo, tempDirs } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

// Uploads that are not videos but lists of other files, which ffmpeg would follow: each must be
// refused at submit (INVALID_VIDEO, per file) without reading what it names or storing anything.

const dirs = tempDirs('orion-refs-');
let dir: string;
let outside: string;
let clip: string;
beforeAll(async () => {
  dir = await dirs.make();
  [outside, clip] = await Promise.all([
    makeTestVideo({ out: join(dir, 'outside.ts'), seconds: 2, fps: 10, width: 160, height: 120 }),
    makeTestVideo({ out: join(dir, 'clip.mp4'), seconds: 2, fps: 10, width: 160, height: 120 }),
  ]);
});
afterAll(() => dirs.cleanup());

/** ffprobe without Orion's allowlists: what the playlist would have given before (the attack works). */
function plainProbe(path: string): Promise<{ format?: string; duration?: number }> {
  return new Promise((resolve, reject) =>
    ffmpeg.ffprobe(path, (err, data) =>
      err
        ? reject(err as Error)
        : resolve({ format: data.format.format_name, duration: Number(data.format.duration) }),
    ),
  );
}

type Submitted = { videos: { id?: string; filename?: string; error?: { code: string; message: string } }[] };

describe('playlists and reference lists on the filesystem store', () => {
  let api: ApiHarness;
  let storeRoot: string;
  let otherTenantsFile: string;
  beforeAll(async () => {
    api = await startApi();
    // Another tenant's upload, at the absolute path an attacker would need.
    const key = `uploads/globex/${randomUUID()}/private.ts`;
    await api.deps.store.put(key, await readFile(outside));
    const location = await api.deps.store.readLocation(key);
    if (location.kind !== 'path') throw new Error('expected a filesystem store');
    otherTenantsFile = location.path;
    storeRoot = location.path.slice(0, -key.length - 1);
  });
  afterAll(() => api?.close());

  it('refuses each per file, stores none of them, and still accepts the real video beside them', async () => {
    const files = {
      'tenant.mp4': hlsPlaylist([otherTenantsFile]),
      'outside.mp4': hlsPlaylist([outside]),
      'concat.mp4': concatList([otherTenantsFile]),
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    // Without the allowlists these lists are readable videos made of the files they name.
    expect(await plainProbe(join(dir, 'tenant.mp4'))).toMatchObject({ format: 'hls' });
    expect((await plainProbe(join(dir, 'outside.mp4'))).duration).toBeGreaterThan(1);

    const form = await fileForm([
      ...Object.keys(files).map((name) => ({ path: join(dir, name), name })),
      { path: clip, name: 'clip.mp4' },
    ]);
    const res = await api.request('/v1/videos', { method: 'POST', body: form });
    const text = await res.text();
    expect(res.status).toBe(202);
    const body = JSON.parse(text) as Submitted;
    expect(body).toMatchObject({ accepted: 1, rejected: 3 });
    const [tenant, out, concat, ok] = body.videos;
    for (const [item, name, format] of [
      [tenant, 'tenant.mp4', 'hls'],
      [out, 'outside.mp4', 'hls'],
      [concat, 'concat.mp4', 'concat'],
    ] as const) {
      expect(item!.id).toBeUndefined();
      expect(item!.error!.code).toBe('INVALID_VIDEO');
      expect(item!.error!.message).toMatch(new RegExp(`^${name}: the file is in the ${format} format`));
    }
    expect(ok).toMatchObject({ filename: 'clip.mp4', state: 'queued' });
    // Neither the store's location nor the paths inside the lists come back.
    expect(text).not.toContain(storeRoot);
    expect(text).not.toContain(dir);

    const stored: string[] = [];
    for await (const o of api.deps.store.listAll('videos/')) stored.push(o.key);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((k) => k.startsWith(`videos/${ok!.id}/`))).toBe(true);
    const list = (await (await api.request('/v1/videos')).json()) as { videos: { id: string }[] };
    expect(list.videos.map((v) => v.id)).toEqual([ok!.id]);
  });

  it('does not show the store path when an upload is not a video at all', async () => {
    await writeFile(join(dir, 'notes.mp4'), 'plain text\n'.repeat(100));
    const res = await api.request('/v1/videos', {
      method: 'POST',
      body: await fileForm([{ path: join(dir, 'notes.mp4'), name: 'notes.mp4' }]),
    });
    const text = await res.text();
    expect(JSON.parse(text).videos[0].error.message).toMatch(
      /^notes\.mp4: not a readable video \(ffprobe: the file: /,
    );
    expect(text).not.toContain(storeRoot);
  });
});

describe('a playlist of internal URLs on S3 storage', () => {
  let api: ApiHarness;
  let internal: Server;
  let hits = 0;
  const playlist = () => {
    const { port } = internal.address() as AddressInfo;
    return hlsPlaylist([`http://127.0.0.1:${port}/private.ts`]);
  };
  beforeAll(async () => {
    const segment = await readFile(outside);
    internal = createServer((req, res) => {
      // /playlist: the upload itself, served the way S3 serves it; anything else: a segment.
      if (req.url === '/playlist') return res.writeHead(200).end(playlist());
      hits++;
      res.writeHead(200, { 'content-type': 'video/mp2t' }).end(segment);
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    api = await startApi({ storage: 's3' });
  });
  afterAll(async () => {
    await api?.deps.store.deletePrefix('');
    await api?.close();
    await new Promise((resolve) => internal?.close(resolve));
  });

  it('is refused without ffprobe fetching anything from the internal server', async () => {
    const { port } = internal.address() as AddressInfo;
    // Read over HTTP without the allowlists, the playlist makes ffprobe fetch the internal URL.
    expect((await plainProbe(`http://127.0.0.1:${port}/playlist`)).format).toBe('hls');
    expect(hits).toBeGreaterThan(0);
    hits = 0;

    const key = `uploads/acme/${randomUUID()}/internal.mp4`;
    await api.deps.store.put(key, Buffer.from(playlist()));
    const res = await api.request('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sources: [{ key, filename: 'internal.mp4' }] }),
    });
    expect(res.status).toBe(202);
    const text = await res.text();
    const [item] = (JSON.parse(text) as Submitted).videos;
    expect(item!.error).toMatchObject({ code: 'INVALID_VIDEO' });
    expect(item!.error!.message).toMatch(/^internal\.mp4: the file is in the hls format/);
    expect(text).not.toMatch(/X-Amz-|http:\/\//);
    expect(hits).toBe(0);
  });
});
