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
    expect((await fps.json()).message).toMatch(/^body\.targetFps must be > 0/);
    const form = await fileForm([{ path: media.short, name: 'short.mp4' }], { shardSecs: '5' });
    const field = await api.request('/v1/videos', { method: 'POST', body: form });
    expect(field.status).toBe(400);
    expect((await field.json()).message).toMatch(/unknown field "shardSecs"/);
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
});
