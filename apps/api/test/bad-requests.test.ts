import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm, makeUploadMedia, type UploadMedia } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

// Requests refused as a whole or per item: the status, the error's code and message, nothing kept.

let api: ApiHarness;
let media: UploadMedia;

beforeAll(async () => {
  [api, media] = await Promise.all([startApi(), makeUploadMedia()]);
});
afterAll(async () => {
  await api?.close();
  await media?.cleanup();
});

describe('bad requests', () => {
  it('answers 413 for an upload over the limit and keeps nothing of the request', async () => {
    const small = await startApi({ env: { MAX_UPLOAD_BYTES: '20000' } });
    try {
      const form = await fileForm([
        { path: media.short, name: 'short.mp4' },
        { path: media.long, name: 'long.mp4' },
      ]);
      const res = await small.request('/v1/videos', { method: 'POST', body: form });
      expect(res.status).toBe(413);
      expect((await res.json()).code).toBe('FILE_TOO_LARGE');
      expect((await small.deps.store.list('videos/')).objects).toEqual([]);
      expect((await (await small.request('/v1/videos')).json()).videos).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await api.request('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"sources": [',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it('answers 400 naming an unknown field, or an invalid one', async () => {
    const post = (body: unknown) =>
      api.request('/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const unknown = await post({ sources: [{ key: 'a.mp4', colour: 'red' }] });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toBe('body.sources[0] has unknown field "colour"');
    const fps = await post({ sources: [{ key: 'a.mp4' }], targetFps: -2 });
    expect(fps.status).toBe(400);
    expect((await fps.json()).message).toBe('body.targetFps must be >= 0.01');
    const form = await fileForm([{ path: media.short, name: 'short.mp4' }], { shardSecs: '5' });
    const field = await api.request('/v1/videos', { method: 'POST', body: form });
    expect(field.status).toBe(400);
    expect((await field.json()).message).toMatch(/unknown field "shardSecs"/);
    // The multipart field follows the JSON body's bounds: 1e-9 fps would sample no frame at all.
    const tiny = await fileForm([{ path: media.short, name: 'short.mp4' }], { targetFps: '1e-9' });
    const tinyRes = await api.request('/v1/videos', { method: 'POST', body: tiny });
    expect(tinyRes.status).toBe(400);
    expect((await tinyRes.json()).message).toBe(
      'field targetFps must be a number ≥ 0.01 and ≤ 120, got "1e-9"',
    );
  });

  it('refuses source keys outside the tenant’s reach, per item', async () => {
    const res = await api.request('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sources: [
          { key: '../../etc/passwd' },
          { key: 'videos/x/source' },
          { key: 'uploads/globex/a.mp4' },
          { key: 'missing.mp4' },
        ],
      }),
    });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.videos.map((v: { error: { code: string } }) => v.error.code)).toEqual([
      'INVALID_KEY',
      'INVALID_KEY',
      'INVALID_KEY',
      'SOURCE_NOT_FOUND',
    ]);
  });

  it('refuses wrong JSON types instead of coercing them, while querystrings stay text to coerce', async () => {
    const post = (body: unknown) =>
      api.request('/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const number = await post({ sources: [{ key: 'a.mp4' }], targetFps: '2' });
    expect(number.status).toBe(400);
    expect((await number.json()).message).toBe('body.targetFps must be number');
    const list = await post({ sources: [{ key: 'a.mp4' }], tags: 'a,b' });
    expect(list.status).toBe(400);
    expect((await list.json()).message).toBe('body.tags must be array');
    const key = await post({ sources: [{ key: 7 }] });
    expect(key.status).toBe(400);
    expect((await key.json()).message).toBe('body.sources[0].key must be string');

    const page = await api.request('/v1/videos?limit=2&state=queued');
    expect(page.status).toBe(200);
    const badLimit = await api.request('/v1/videos?limit=two');
    expect(badLimit.status).toBe(400);
    expect((await badLimit.json()).message).toMatch(/^querystring\.limit must be integer/);
  });

  it('refuses filenames that are too long or carry control characters, per file, keeping nothing of them', async () => {
    const nul = 'clip\u0000.mp4';
    const bidi = 'invoice\u202egpj.mp4';
    const long = `${'x'.repeat(300)}.mp4`;
    const form = await fileForm([
      { path: media.short, name: nul },
      { path: media.short, name: 'fine.mp4' },
      { path: media.short, name: bidi },
      { path: media.short, name: long },
    ]);
    const res = await api.request('/v1/videos', { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.videos.map((v: { error?: { code: string } }) => v.error?.code ?? 'ok')).toEqual([
      'INVALID_FILENAME',
      'ok',
      'INVALID_FILENAME',
      'INVALID_FILENAME',
    ]);
    expect(body.videos[0].error.message).toBe(
      'filename "clip\\u0000.mp4" has control or bidirectional-override characters',
    );
    expect(body.videos[2].error.message).toContain('\\u202e');
    expect(body.videos[3].error.message).toMatch(/has 304 characters \(at most 255\)$/);
    // Only the good file's video exists, and only its source is stored.
    const good = body.videos[1].id as string;
    const stored = (await api.deps.store.list('videos/')).objects.map((o) => o.key);
    expect(stored.every((k) => k.startsWith(`videos/${good}/`))).toBe(true);
    expect(stored.length).toBeGreaterThan(0);

    const json = await api.request('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sources: [{ key: 'a.mp4', filename: 'a\nb.mp4' }] }),
    });
    expect(json.status).toBe(202);
    expect((await json.json()).videos[0]).toMatchObject({
      key: 'a.mp4',
      error: { code: 'INVALID_FILENAME' },
    });
  });
});
