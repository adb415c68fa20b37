import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixturePath, startOrionStack, type OrionStack } from '@orion/testkit';
import { OpenApiValidator } from '../apps/api/test/openapi-validator.js';

// The whole product on real parts: the API and the three workers as processes (their production
// entry points), one real Redis, the filesystem store, real ffmpeg, YOLOX-Nano and MobileNetV2.

let stack: OrionStack;
let dir: string;
let validator: OpenApiValidator;
const ids: Record<string, string> = {};

async function api(path: string, init: RequestInit = {}, pathTemplate?: string) {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${stack.apiKey}`, ...init.headers },
  });
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.startsWith('application/json')
    ? await res.json()
    : Buffer.from(await res.arrayBuffer());
  if (pathTemplate) {
    expect(
      validator.problem((init.method ?? 'GET').toLowerCase(), pathTemplate, res.status, type, body),
    ).toBeUndefined();
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, type, body: body as any };
}

async function waitFor(
  id: string,
  done: (s: { state: string; pendingRunId?: string }) => boolean,
  timeoutMs = 180_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(`/v1/videos/${id}`, {}, '/v1/videos/{id}');
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`video ${id} did not finish: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orion-e2e-'));
  stack = await startOrionStack({
    redisUrl: inject('redisUrl'),
    storageUrl: `file://${join(dir, 'data')}`,
    env: { QUEUE_PREFIX: `e2e-${randomUUID().slice(0, 8)}`, TARGET_FPS: '4' },
  });
  validator = await OpenApiValidator.load(stack.apiUrl);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('end to end: upload → detect → embed → cluster → entities', () => {
  it('processes a bulk upload of two real videos to completed', async () => {
    const form = new FormData();
    form.append('file', await openAsBlob(fixturePath('videos', 'bus_zoompan_6s_540x720.mp4')), 'bus.mp4');
    form.append('file', await openAsBlob(fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4')), 'tud.mp4');
    const sub = await api('/v1/videos', { method: 'POST', body: form }, '/v1/videos');
    expect(sub.status).toBe(202);
    expect(sub.body.accepted).toBe(2);
    [ids.bus, ids.tud] = sub.body.videos.map((v: { id: string }) => v.id);

    const bus = await waitFor(ids.bus!, (s) => ['completed', 'failed'].includes(s.state));
    const tud = await waitFor(ids.tud!, (s) => ['completed', 'failed'].includes(s.state));
    for (const s of [bus, tud]) {
      expect(s).toMatchObject({ state: 'completed', stage: 'done', percent: 100 });
      expect(s.progress.detect.executionProviders).toEqual(['cpu']);
      expect(s.progress.embed.executionProviders).toEqual(['cpu']);
      expect(s.counts.entities).toBeGreaterThan(0);
    }
    // 6 s at 4 fps; TUD is 71 frames at 25 fps = 2.84 s → samples at 0, 0.25 … 2.75.
    expect(bus.counts.frames).toBe(24);
    expect(tud.counts.frames).toBe(12);
  });

  it('lists entities with thumbnails, details and flags, as documented', async () => {
    const list = await api(`/v1/videos/${ids.bus}/entities?limit=100`, {}, '/v1/videos/{id}/entities');
    expect(list.status).toBe(200);
    const labels = list.body.entities.map((e: { label: string }) => e.label);
    expect(labels).toContain('bus');
    expect(labels.filter((l: string) => l === 'person').length).toBeGreaterThanOrEqual(3);

    const bus = list.body.entities.find((e: { label: string }) => e.label === 'bus');
    const thumb = await api(bus.thumbnailUrl, {}, '/v1/videos/{id}/entities/{entityId}/thumbnail');
    expect(thumb.status).toBe(200);
    expect(thumb.type).toBe('image/jpeg');
    expect([...(thumb.body as Buffer).subarray(0, 2)]).toEqual([0xff, 0xd8]);

    const detail = await api(
      `/v1/videos/${ids.bus}/entities/${bus.id}`,
      {},
      '/v1/videos/{id}/entities/{entityId}',
    );
    expect(detail.body.observations).toHaveLength(bus.observationCount);
    expect(
      detail.body.observations.every((o: { label: string }) => o.label === 'bus' || o.label !== undefined),
    ).toBe(true);

    const flagged = await api(
      `/v1/videos/${ids.bus}/observations?flagged=true&limit=500`,
      {},
      '/v1/videos/{id}/observations',
    );
    for (const o of flagged.body.observations) expect(o.flag.reasons.length).toBeGreaterThan(0);
    const onlyPeople = await api(
      `/v1/videos/${ids.bus}/entities?label=person&limit=100`,
      {},
      '/v1/videos/{id}/entities',
    );
    expect(onlyPeople.body.entities.every((e: { label: string }) => e.label === 'person')).toBe(true);
  });

  it('renders a self-contained HTML report with the gallery', async () => {
    const report = await api(`/v1/videos/${ids.bus}/report`, {}, '/v1/videos/{id}/report');
    expect(report.status).toBe(200);
    expect(report.type).toMatch(/^text\/html/);
    const html = (report.body as Buffer).toString();
    const entities = (await api(`/v1/videos/${ids.bus}/entities?limit=500`)).body.total;
    expect(html.match(/class="card(?: flagged)?"/g)).toHaveLength(entities);
    expect(html).toMatch(/data:image\/jpeg;base64,\/9j\//);
    expect(html).not.toMatch(/src="http/);
  });

  it('re-clusters on the stored embeddings: new entities, no detect or embed job', async () => {
    const before = (await api(`/v1/videos/${ids.tud}`)).body;
    const queues = async () =>
      Object.fromEntries(
        (await api('/v1/queues', {}, '/v1/queues')).body.queues.map(
          (q: { name: string; counts: { completed: number; active: number; waiting: number } }) => [
            q.name,
            q.counts.completed + q.counts.active + q.counts.waiting,
          ],
        ),
      );
    const jobsBefore = await queues();
    const res = await api(
      `/v1/videos/${ids.tud}/recluster`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clusterSelectionEpsilon: 0.5 }),
      },
      '/v1/videos/{id}/recluster',
    );
    expect(res.status).toBe(202);
    const after = await waitFor(ids.tud!, (s) => !s.pendingRunId);
    expect(after.runId).toBe(res.body.runId);
    expect(after.runId).not.toBe(before.runId);
    expect(after.counts.entities).not.toBe(before.counts.entities);
    const entities = await api(`/v1/videos/${ids.tud}/entities?limit=500`);
    expect(entities.body.runId).toBe(after.runId);
    expect(entities.body.total).toBe(after.counts.entities);
    const jobsAfter = await queues();
    expect(jobsAfter.detect).toBe(jobsBefore.detect);
    expect(jobsAfter.embed).toBe(jobsBefore.embed);
    expect(jobsAfter.cluster).toBe(jobsBefore.cluster + 1);
  });

  it('serves Prometheus metrics on every worker and the API during the run', async () => {
    const sample = (text: string, name: string, labels: string[]) =>
      text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((x) => l.includes(x)));
    const scrape = async (url: string) => (await fetch(url)).text();
    const detect = await scrape(`http://127.0.0.1:${stack.opsPort('detect-worker')}/metrics`);
    // 24 + 12 frames were sampled by the detect stage.
    expect(sample(detect, 'orion_items_processed_total', ['queue="detect"', 'kind="frames"'])).toMatch(
      / 36$/,
    );
    expect(sample(detect, 'orion_inference_seconds_count', ['model="yolox_nano"', 'provider="cpu"'])).toMatch(
      / 36$/,
    );
    expect(
      sample(detect, 'orion_job_duration_seconds_count', ['queue="detect"', 'status="completed"']),
    ).toMatch(/ 2$/);
    const embed = await scrape(`http://127.0.0.1:${stack.opsPort('embed-worker')}/metrics`);
    expect(sample(embed, 'orion_items_processed_total', ['queue="embed"', 'kind="crops"'])).toMatch(
      / [1-9]\d*$/,
    );
    expect(sample(embed, 'orion_inference_seconds_count', ['provider="cpu"'])).toMatch(/ [1-9]\d*$/);
    const cluster = await scrape(`http://127.0.0.1:${stack.opsPort('cluster-worker')}/metrics`);
    expect(
      sample(cluster, 'orion_job_duration_seconds_count', ['queue="cluster"', 'status="completed"']),
    ).toMatch(/ [2-9]$/);
    const health = await fetch(`http://127.0.0.1:${stack.opsPort('embed-worker')}/health`);
    expect(health.status).toBe(200);
    const apiMetrics = await scrape(`${stack.apiUrl}/metrics`);
    expect(sample(apiMetrics, 'orion_queue_jobs', ['queue="detect"', 'state="completed"'])).toMatch(/ 2$/);
  });
});
