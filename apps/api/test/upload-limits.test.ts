import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEYS as KEYS, fileForm, makeUploadMedia, type UploadMedia } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

let api: ApiHarness;
let media: UploadMedia;
let video: Buffer;

beforeAll(async () => {
  media = await makeUploadMedia();
  video = await readFile(media.short);
  api = await startApi({ env: { MAX_CONCURRENT_UPLOADS: '3', MAX_CONCURRENT_UPLOADS_PER_KEY: '2' } });
});
/** Uploads a test left hanging (it failed midway) are dropped, so that the API can close. */
const pending = new Set<{ abort(): void }>();
afterEach(() => {
  for (const h of pending) h.abort();
  pending.clear();
});
afterAll(async () => {
  await api?.close();
  await media?.cleanup();
});

/**
 * A multipart upload (node:http, which sends what is written at once) that sends its first half and
 * then waits until `finish()`: an upload in progress for as long as the test wants. `abort()` drops
 * the connection instead.
 */
function heldUpload(key: string) {
  const boundary = `----held${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="held.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const half = Math.floor(video.length / 2);
  const req = request(`${api.url}/v1/videos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', reject);
    });
  });
  req.write(Buffer.concat([head, video.subarray(0, half)]));
  const held = {
    response,
    finish: () => req.end(Buffer.concat([video.subarray(half), tail])),
    abort: () => req.destroy(),
  };
  pending.add(held);
  return held;
}

/** Waits (at most 15 s, on a busy machine) until the API counts `n` uploads in progress. */
async function untilInFlight(n: number) {
  for (let i = 0; i < 600 && api.deps.uploads.inFlight().total !== n; i++)
    await new Promise((r) => setTimeout(r, 25));
  expect(api.deps.uploads.inFlight().total).toBe(n);
}

async function storedKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of api.deps.store.listAll('')) keys.push(o.key);
  return keys;
}

const upload = async (key: string) =>
  api.request('/v1/videos', {
    method: 'POST',
    key,
    body: await fileForm([{ path: media.short, name: 'a.mp4' }]),
  });

describe('concurrent uploads', () => {
  it('answer 429 past the per-key bound and 503 past the total, with Retry-After, storing nothing', async () => {
    const before = await storedKeys();
    const held = [heldUpload(KEYS.acme), heldUpload(KEYS.acme)];
    await untilInFlight(2);

    const perKey = await upload(KEYS.acme);
    expect(perKey.status).toBe(429);
    expect(Number(perKey.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await perKey.json()).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'TOO_MANY_UPLOADS',
      message: expect.stringMatching(/already has 2 uploads in progress.*MAX_CONCURRENT_UPLOADS_PER_KEY=2/),
    });

    // Another key still gets in, up to the total of three.
    held.push(heldUpload(KEYS.globex));
    await untilInFlight(3);
    const full = await upload(KEYS.admin);
    expect(full.status).toBe(503);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await full.json()).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'UPLOADS_FULL',
      message: expect.stringMatching(/MAX_CONCURRENT_UPLOADS=3.*nothing of this request was stored/),
    });
    // Other requests are not uploads: they are not counted.
    expect((await api.request('/v1/videos', { key: KEYS.acme })).status).toBe(200);

    for (const h of held) h.finish();
    const answers = await Promise.all(held.map((h) => h.response));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const ids = answers.map((a) => (JSON.parse(a.body) as { videos: { id: string }[] }).videos[0]!.id);
    expect(ids.every(Boolean)).toBe(true);
    await untilInFlight(0);
    // What is stored now is what was there before plus the three accepted videos: nothing of the refused.
    const added = (await storedKeys()).filter((k) => !before.includes(k));
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter((k) => !ids.some((id) => k.includes(id)))).toEqual([]);
    // The slots are free again.
    expect((await upload(KEYS.acme)).status).toBe(202);
  });

  it('free the slot of a client that gives up mid-upload', async () => {
    const held = [heldUpload(KEYS.acme), heldUpload(KEYS.acme)];
    await untilInFlight(2);
    expect((await upload(KEYS.acme)).status).toBe(429);
    for (const h of held) {
      h.abort();
      await h.response.catch(() => undefined);
    }
    await untilInFlight(0);
    expect((await upload(KEYS.acme)).status).toBe(202);
  });
});
