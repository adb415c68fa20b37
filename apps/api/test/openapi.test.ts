import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIDEO_STATES } from '@orion/shared';
import { VideoState } from '@orion/shared/api';
import {
  TEST_API_KEYS as KEYS,
  fileForm,
  makeUploadMedia,
  startStandInWorkers,
  storeFlaggedVideo,
  type TestResponse,
  type UploadMedia,
} from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';
import { OpenApiValidator, type OpenApiDoc } from './openapi-validator.js';

let api: ApiHarness;
let media: UploadMedia;
let doc: OpenApiDoc;
let validator: OpenApiValidator;
let standIns: { close(): Promise<unknown> } | undefined;

beforeAll(async () => {
  [api, media] = await Promise.all([startApi({ backgroundWorkers: true }), makeUploadMedia()]);
  validator = await OpenApiValidator.load(api.url);
  doc = validator.doc;
  standIns = startStandInWorkers(api);
});
afterAll(async () => {
  await standIns?.close();
  await api?.close();
  await media?.cleanup();
});

/** `/v1/videos/:id` → `/v1/videos/{id}` as OpenAPI writes paths. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document at /docs/json', () => {
  it('describes every API route with its responses', () => {
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const served = api.routeList
      .filter((r) => /^\/(v1|health|ready)/.test(r.url) && r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map((r) => `${r.method} ${openApiPath(r.url)}`);
    expect(served.length).toBeGreaterThanOrEqual(10);
    for (const route of served) expect(documented, route).toContain(route);
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        expect(success.length, `${method} ${path} documents no success response`).toBeGreaterThan(0);
        if (path.startsWith('/v1')) expect(Object.keys(op.responses), `${method} ${path}`).toContain('401');
      }
    }
  });

  it('has the same video states as the shared contract', () => {
    expect(VideoState.anyOf.map((s: { const: string }) => s.const)).toEqual([...VIDEO_STATES]);
  });

  it('matches what every route really answers', async () => {
    const upload = await api.request('/v1/videos', {
      method: 'POST',
      body: await fileForm([
        { path: media.short, name: 's.mp4' },
        { path: media.text, name: 't.mp4' },
      ]),
    });
    const id = (await upload.clone().json()).videos[0].id;
    // The stand-in workers complete the video without writing results: entity routes answer 409.
    for (let s = ''; s !== 'completed'; await new Promise((r) => setTimeout(r, 100))) {
      s = (await (await api.request(`/v1/videos/${id}`)).json()).state;
    }
    const json = { 'content-type': 'application/json' };
    const flagged = await storeFlaggedVideo(api.deps.store, api.deps.videos, 'acme');
    const calls: [string, string, Promise<TestResponse>][] = [
      ['post', '/v1/videos', Promise.resolve(upload)],
      [
        'post',
        '/v1/videos',
        api.request('/v1/videos', { method: 'POST', headers: json, body: '{"sources":[{"key":"a","x":1}]}' }),
      ],
      ['post', '/v1/videos', api.request('/v1/videos', { method: 'POST', key: null })],
      ['get', '/v1/videos', api.request('/v1/videos?limit=5')],
      ['get', '/v1/videos', api.request(`/v1/videos?ids=${id},nope`)],
      ['get', '/v1/videos', api.request('/v1/videos?ids=a&limit=5')],
      ['get', '/v1/videos/{id}', api.request(`/v1/videos/${id}`)],
      ['get', '/v1/videos/{id}', api.request('/v1/videos/nope')],
      [
        'post',
        '/v1/uploads',
        api.request('/v1/uploads', {
          method: 'POST',
          headers: json,
          body: '{"files":[{"filename":"a.mp4"}]}',
        }),
      ],
      ['get', '/v1/queues', api.request('/v1/queues', { key: KEYS.admin })],
      ['get', '/v1/queues', api.request('/v1/queues')],
      ['get', '/v1/queues/{name}/failed', api.request('/v1/queues/detect/failed', { key: KEYS.admin })],
      ['get', '/v1/queues/{name}/failed', api.request('/v1/queues/nope/failed', { key: KEYS.admin })],
      [
        'post',
        '/v1/queues/{name}/jobs/{jobId}/retry',
        api.request('/v1/queues/detect/jobs/nope/retry', { method: 'POST', key: KEYS.admin }),
      ],
      ['get', '/v1/videos/{id}/entities', api.request(`/v1/videos/${id}/entities`)],
      ['get', '/v1/videos/{id}/entities/{entityId}', api.request(`/v1/videos/${id}/entities/e1`)],
      [
        'get',
        '/v1/videos/{id}/entities/{entityId}/thumbnail',
        api.request(`/v1/videos/${id}/entities/e1/thumbnail`),
      ],
      [
        'get',
        '/v1/videos/{id}/entities/{entityId}/matches',
        api.request(`/v1/videos/${id}/entities/e1/matches?limit=3`),
      ],
      [
        'get',
        '/v1/videos/{id}/entities/{entityId}/matches',
        api.request(`/v1/videos/${id}/entities/e1/matches?minScore=2`),
      ],
      ['get', '/v1/identities', api.request('/v1/identities?limit=5')],
      ['get', '/v1/identities', api.request('/v1/identities?cursor=x')],
      ['post', '/v1/identities/recompute', api.request('/v1/identities/recompute', { method: 'POST' })],
      ['get', '/v1/videos/{id}/observations', api.request(`/v1/videos/${id}/observations?flagged=true`)],
      ['get', '/v1/videos/{id}/report', api.request(`/v1/videos/${id}/report`)],
      ['get', '/v1/videos/{id}/flags/export', api.request(`/v1/videos/${id}/flags/export?format=coco`)],
      ['get', '/v1/videos/{id}/flags/export', api.request(`/v1/videos/${id}/flags/export?format=voc`)],
      [
        'get',
        '/v1/videos/{id}/flags/export',
        api.request(`/v1/videos/${flagged.id}/flags/export?format=yolo&archive=tar`),
      ],
      [
        'post',
        '/v1/videos/{id}/recluster',
        api.request(`/v1/videos/${id}/recluster`, {
          method: 'POST',
          headers: json,
          body: '{"clusterSelectionEpsilon":0.2}',
        }),
      ],
      [
        'post',
        '/v1/videos/{id}/recluster',
        api.request(`/v1/videos/${id}/recluster`, {
          method: 'POST',
          headers: json,
          body: '{"minClusterSize":1}',
        }),
      ],
      [
        'post',
        '/v1/search',
        api.request('/v1/search', { method: 'POST', headers: json, body: '{"text":"a red bottle"}' }),
      ],
      [
        'post',
        '/v1/search',
        api.request('/v1/search', { method: 'POST', headers: json, body: '{"text":"hello"}' }),
      ],
      [
        'post',
        '/v1/index/rebuild',
        api.request('/v1/index/rebuild', { method: 'POST', headers: json, body: '{}', key: KEYS.admin }),
      ],
      [
        'post',
        '/v1/index/rebuild',
        api.request('/v1/index/rebuild', {
          method: 'POST',
          headers: json,
          body: '{"tenantId":"a b"}',
          key: KEYS.admin,
        }),
      ],
      [
        'post',
        '/v1/index/rebuild',
        api.request('/v1/index/rebuild', { method: 'POST', headers: json, body: '{}' }),
      ],
      ['get', '/health', api.request('/health')],
      ['get', '/ready', api.request('/ready')],
      ['post', '/v1/videos/{id}/retry', api.request(`/v1/videos/${id}/retry`, { method: 'POST' })],
      ['delete', '/v1/videos/{id}', api.request(`/v1/videos/${id}`, { method: 'DELETE' })],
    ];
    const seen = new Set<string>();
    for (const [method, path, pending] of calls) {
      const res = await pending;
      const type = res.headers.get('content-type') ?? '';
      const body = type.startsWith('application/json') ? await res.json() : await res.text();
      expect(validator.problem(method, path, res.status, type, body)).toBeUndefined();
      seen.add(`${method} ${path}`);
    }
    const all = Object.entries(doc.paths).flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m} ${p}`));
    expect([...seen].sort()).toEqual(all.sort());
  });
});
