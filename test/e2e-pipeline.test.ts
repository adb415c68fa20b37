import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import {
  evaluateIdentities,
  evaluateTracking,
  parseMotGroundTruth,
  parseMotResults,
  parseVisitGroundTruth,
  sampledSourceFrames,
  sourceFrameAt,
  xyxyToXywh,
} from '@orion/tracking';
import { projectRoot } from '@orion/shared';
import {
  fixturePath,
  recutVideo,
  spansInCuts,
  startOrionStack,
  type Cut,
  type OrionStack,
} from '@orion/testkit';
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
    // Sound files decode every planned frame: no warning.
    expect([bus.counts.expectedFrames, tud.counts.expectedFrames]).toEqual([24, 12]);
    expect([bus.warnings, tud.warnings]).toEqual([undefined, undefined]);
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

  it('shows the report in a real browser: the gallery with every thumbnail loaded (screenshot saved)', async () => {
    const html = (await api(`/v1/videos/${ids.bus}/report`)).body as Buffer;
    const artifacts = join(projectRoot(), 'test-artifacts');
    await mkdir(artifacts, { recursive: true });
    const page = join(artifacts, 'report-bus.html');
    await writeFile(page, html);
    const entities = (await api(`/v1/videos/${ids.bus}/entities?limit=500`)).body.entities as {
      label: string;
    }[];
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // Offline: the page must need nothing but itself.
      await tab.route(/^https?:/, (route) => route.abort());
      await tab.goto(`file://${page}`);
      const cards = tab.locator('#gallery .card');
      expect(await cards.count()).toBe(entities.length);
      expect(
        (await tab.locator('#gallery .card .label').allTextContents()).map((t) => t.split(' ')[0]),
      ).toEqual(entities.map((e) => e.label));
      const images = await tab.$$eval('#gallery img', (imgs) =>
        // Runs in the page: `complete` and `naturalWidth` tell whether each image decoded.
        imgs.map((i) => {
          const img = i as unknown as { complete: boolean; naturalWidth: number };
          return { complete: img.complete, width: img.naturalWidth };
        }),
      );
      expect(images.length).toBe(entities.length);
      expect(images.every((i) => i.complete && i.width > 0)).toBe(true);
      expect(await tab.locator('#timeline svg .entity-row').count()).toBe(entities.length);
      // The class-confusion table counts every flag once, with up to four decoded example crops a row.
      const flagged = (await api(`/v1/videos/${ids.bus}/observations?flagged=true&limit=1`)).body
        .total as number;
      const cells = await tab.$$eval('#confusion tr.cell', (rows) =>
        rows.map((r) => {
          const row = r as unknown as {
            dataset: Record<string, string>;
            querySelectorAll(s: string): ArrayLike<{ complete: boolean; naturalWidth: number }>;
          };
          const imgs = Array.from(row.querySelectorAll('img'));
          return {
            count: Number(row.dataset.count),
            decoded: imgs.filter((i) => i.complete && i.naturalWidth > 0).length,
          };
        }),
      );
      expect(cells.reduce((n, c) => n + c.count, 0)).toBe(flagged);
      for (const c of cells) expect(c.decoded).toBe(Math.min(c.count, 4));
      if (!flagged) expect(await tab.locator('#confusion-section').innerText()).toContain('No flags.');
      await tab.screenshot({ path: join(artifacts, 'report-bus.png'), fullPage: true });
    } finally {
      await browser.close();
    }
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
        body: JSON.stringify({ embedding: 'vision', clusterSelectionEpsilon: 0.5 }),
      },
      '/v1/videos/{id}/recluster',
    );
    expect(res.status).toBe(202);
    const after = await waitFor(ids.tud!, (s) => !s.pendingRunId);
    expect(after.runId).toBe(res.body.runId);
    expect(after.runId).not.toBe(before.runId);
    // People were compared by re-id vectors (the default where the embed stage makes them); now not.
    expect(before.embedding).toBe('reid');
    expect(after.embedding).toBe('vision');
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

  it('searches entities by text (COCO labels with the vision backend) and by similarity', async () => {
    const json = { 'content-type': 'application/json' };
    const byText = await api(
      '/v1/search',
      { method: 'POST', headers: json, body: JSON.stringify({ text: 'a bus' }) },
      '/v1/search',
    );
    expect(byText.status).toBe(200);
    expect(byText.body.method).toBe('label-match');
    expect(byText.body.labels).toEqual(['bus']);
    expect(byText.body.results[0]).toMatchObject({ videoId: ids.bus, label: 'bus' });

    const people = (await api(`/v1/videos/${ids.tud}/entities?label=person&limit=500`)).body.entities;
    const ref = people.sort(
      (a: { observationCount: number }, b: { observationCount: number }) =>
        b.observationCount - a.observationCount,
    )[0];
    const similar = await api(
      '/v1/search',
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ entity: { videoId: ids.tud, entityId: ref.id }, limit: 10 }),
      },
      '/v1/search',
    );
    expect(similar.body.method).toBe('entity-centroid');
    const results = similar.body.results as {
      videoId: string;
      entityId: string;
      score: number;
      label: string;
    }[];
    expect(results.length).toBe(10);
    expect(results.some((r) => r.videoId === ids.tud && r.entityId === ref.id)).toBe(false);
    expect(results.map((r) => r.score)).toEqual([...results.map((r) => r.score)].sort((a, b) => b - a));
    // The nearest entities of a person are people.
    expect(results.slice(0, 3).every((r) => r.label === 'person')).toBe(true);

    const none = await api(
      '/v1/search',
      { method: 'POST', headers: json, body: JSON.stringify({ text: 'something shiny' }) },
      '/v1/search',
    );
    expect(none.status).toBe(400);
    expect(none.body.message).toMatch(/names none/);
  });

  it('groups TUD-Campus pedestrians into entities close to the 8 ground-truth identities (25 fps)', async () => {
    const form = new FormData();
    form.append('file', await openAsBlob(fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4')), 'tud25.mp4');
    form.append('targetFps', '25');
    const sub = await api('/v1/videos', { method: 'POST', body: form });
    const id = sub.body.videos[0].id as string;
    await waitFor(id, (s) => ['completed', 'failed'].includes(s.state));
    const observations = (await api(`/v1/videos/${id}/observations?label=person&limit=500`)).body
      .observations as {
      t: number;
      box: [number, number, number, number];
      entity: string | null;
    }[];
    const truth = parseMotGroundTruth(
      await readFile(fixturePath('mot', 'TUD-Campus', 'gt', 'gt.txt'), 'utf8'),
    );
    const evaluation = evaluateIdentities(
      truth,
      observations.map((o) => ({ frame: sourceFrameAt(o.t, 25), box: xyxyToXywh(o.box), entity: o.entity })),
      { frames: Array.from({ length: 71 }, (_, k) => k) },
    );
    const entitiesOnPeople = evaluation.entitiesMatched;
    console.log(
      `TUD-Campus @25 fps, default mode: recall ${evaluation.recall.toFixed(3)}, precision ${evaluation.precision.toFixed(3)}, ` +
        `person entities on ground truth ${entitiesOnPeople} for ${evaluation.identities} identities, ARI ${evaluation.ari.toFixed(3)}, ` +
        `purity ${evaluation.purity.toFixed(3)}, split ${evaluation.splitIdentityFraction.toFixed(2)}, merging ${evaluation.mergingEntityFraction.toFixed(2)}`,
    );
    expect(evaluation.identities).toBe(8);
    expect(evaluation.recall).toBeGreaterThanOrEqual(0.75);
    expect(evaluation.ari).toBeGreaterThanOrEqual(0.6);
  });

  it('groups the three bottles of the Intel bottle video into a few entities labelled bottle', async () => {
    const form = new FormData();
    form.append('file', await openAsBlob(fixturePath('videos', 'intel_bottle-detection.mp4')), 'bottles.mp4');
    const id = (await api('/v1/videos', { method: 'POST', body: form })).body.videos[0].id as string;
    await waitFor(id, (s) => ['completed', 'failed'].includes(s.state));
    const entities = (await api(`/v1/videos/${id}/entities?label=bottle&limit=500`)).body.entities as {
      observationCount: number;
    }[];
    const bottleObservations = (await api(`/v1/videos/${id}/observations?label=bottle&limit=500`)).body
      .observations as {
      entity: string | null;
    }[];
    const inBottleEntities = entities.reduce((s, e) => s + e.observationCount, 0);
    console.log(
      `Intel bottles: ${entities.length} bottle entities holding ${inBottleEntities} observations; ${bottleObservations.length} observations labelled bottle`,
    );
    expect(entities.length).toBeGreaterThanOrEqual(1);
    expect(entities.length).toBeLessThanOrEqual(6);
    // Most bottle detections end up in bottle entities, not scattered as singletons.
    const big = entities.filter((e) => e.observationCount >= 10).reduce((s, e) => s + e.observationCount, 0);
    expect(big / bottleObservations.length).toBeGreaterThanOrEqual(0.8);
  });
});

/** The real `orion` executable against the running stack. */
function orion(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('../packages/cli/bin/orion.js', import.meta.url)), ...args],
      {
        env: { ...process.env, ORION_API_URL: stack.apiUrl, ORION_API_KEY: stack.apiKey },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What `orion eval --gt-format visits --json` prints (the figures these tests read). */
type VisitModeScores = {
  visits: number;
  identities: number;
  inVisits: number;
  outside: number;
  ari: number;
  purity: number;
  entitiesPerIdentity: number;
  idf1: number | null;
  mota: number | null;
  idSwitches: number | null;
  hota: number | null;
  detA: number | null;
  assA: number | null;
  entitiesMatched: number;
  mergingEntities: number;
  splitVisits: number;
  returningIdentities: number;
  reunitedIdentities: number;
  perVisit: { identity: string; majorityEntity: string | null; majorityShare: number }[];
};
type VisitScores = { videoId: string; tracklets: VisitModeScores; observations: VisitModeScores };

/** `orion eval --gt-format visits --json` of a video file submitted at `fps`. */
async function evalVisits(gt: string, fps: number, video: string) {
  const res = await orion([
    'eval',
    '--gt-format',
    'visits',
    '--gt',
    gt,
    '--fps',
    String(fps),
    '--json',
    video,
  ]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as VisitScores & { embedding: string };
}

/** The Intel one-by-one video and its hand-made visits (test/fixtures/ground-truth). */
const oneByOne = {
  video: () => fixturePath('videos', 'intel_one-by-one-person-detection.mp4'),
  visits: join(projectRoot(), 'test/fixtures/ground-truth/intel_one-by-one-person-detection.visits.csv'),
};

describe('orion CLI against the real stack', () => {
  it('submits two fixtures, and status --watch ends with both completed', async () => {
    const sub = await orion([
      'submit',
      fixturePath('videos', 'bus_zoompan_6s_540x720.mp4'),
      fixturePath('videos', 'mmtracking_demo.mp4'),
      '--json',
    ]);
    expect(sub.code).toBe(0);
    const videos = (JSON.parse(sub.stdout) as { videos: { id: string }[] }).videos;
    expect(videos).toHaveLength(2);
    const watch = await orion(['status', '--watch', '--interval', '300', ...videos.map((v) => v.id)]);
    expect(watch.code).toBe(0);
    expect(watch.stdout.match(/state completed, stage done, 100%/g)).toHaveLength(2);
  });

  it('shows entities, searches and re-clusters', async () => {
    const table = await orion(['entities', ids.bus!]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^\d+ entities \(run r1\)/);
    expect(table.stdout).toMatch(/│ bus\s+│/);
    const found = await orion(['search', 'a bus', '--video', ids.bus!]);
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/method: label-match \(labels: bus\)/);
    const again = await orion(['recluster', ids.bus!, '--eps', '0.3', '--wait']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^run r\w+ is current: \d+ entities/);
    const bad = await orion(['recluster', 'no-such-video', '--eps', '0.3']);
    expect(bad).toMatchObject({ code: 1, stderr: 'orion: the API answered 404: No video no-such-video\n' });
  });

  it('evaluates TUD-Campus against its ground truth for both association modes (orion eval), with the tracking metrics, and --export-mot round-trips', async () => {
    const gt = fixturePath('mot', 'TUD-Campus', 'gt', 'gt.txt');
    const video = fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4');
    const truth = parseMotGroundTruth(await readFile(gt, 'utf8'));
    type MotModeScores = {
      ari: number;
      entitiesMatched: number;
      identities: number;
      recall: number;
      precision: number;
      purity: number;
      entitiesPerIdentity: number;
      idf1: number;
      idp: number;
      idr: number;
      mota: number;
      idSwitches: number;
      fragmentations: number;
      hota: number;
      detA: number;
      assA: number;
    };
    for (const fps of [25, 4]) {
      const exported = join(dir, `tud-${fps}.mot.txt`);
      const res = await orion([
        'eval',
        '--gt',
        gt,
        '--fps',
        String(fps),
        '--json',
        '--export-mot',
        exported,
        video,
      ]);
      expect(res.code, res.stderr).toBe(0);
      type EvalOutput = Record<'tracklets' | 'observations', MotModeScores> & {
        default: string;
        embedding: string;
        videoId: string;
      };
      const out = JSON.parse(res.stdout) as EvalOutput;
      const f = (v: number) => v.toFixed(3);
      console.log(
        `orion eval TUD-Campus @${fps} fps, ${out.embedding} vectors: ` +
          (['tracklets', 'observations'] as const)
            .map(
              (m) =>
                `${m}: ARI ${f(out[m].ari)}, ${out[m].entitiesMatched} entities / ${out[m].identities} identities, purity ${f(out[m].purity)}, ` +
                `IDF1 ${f(out[m].idf1)} (IDP ${f(out[m].idp)}, IDR ${f(out[m].idr)}), MOTA ${f(out[m].mota)}, ID switches ${out[m].idSwitches}, ` +
                `Frag ${out[m].fragmentations}, HOTA ${f(out[m].hota)} (DetA ${f(out[m].detA)}, AssA ${f(out[m].assA)})`,
            )
            .join('; ') +
          `; recall ${f(out.tracklets.recall)}, precision ${f(out.tracklets.precision)}`,
      );
      expect(out.default).toBe('tracklets');
      expect(out.embedding).toBe('reid');
      expect(out.tracklets.identities).toBe(8);
      for (const m of ['tracklets', 'observations'] as const) {
        for (const k of ['idf1', 'idp', 'idr', 'hota', 'detA', 'assA'] as const) {
          expect(out[m][k], `${m} ${k}`).toBeGreaterThan(0);
          expect(out[m][k], `${m} ${k}`).toBeLessThanOrEqual(1);
        }
        expect(out[m].mota).toBeLessThanOrEqual(1);
        expect(out[m].entitiesPerIdentity).toBeCloseTo(out[m].entitiesMatched / 8, 12);
      }
      // Person entities within ±30 % of the 8 identities, at both rates.
      expect(out.tracklets.entitiesMatched).toBeGreaterThanOrEqual(6);
      expect(out.tracklets.entitiesMatched).toBeLessThanOrEqual(10);
      expect(out.tracklets.ari).toBeGreaterThanOrEqual(0.75);

      // The same stored detections compared by MobileNetV2 features alone (the "before"): re-id
      // vectors do at least as well on ARI and IDF1.
      const general = await orion(['eval', '--gt', gt, '--json', '--embedding', 'vision', out.videoId]);
      expect(general.code, general.stderr).toBe(0);
      const v = JSON.parse(general.stdout) as EvalOutput;
      expect(v.embedding).toBe('vision');
      console.log(
        `orion eval TUD-Campus @${fps} fps, vision vectors: ` +
          (['tracklets', 'observations'] as const)
            .map(
              (m) =>
                `${m}: ARI ${f(v[m].ari)}, ${v[m].entitiesMatched} entities, IDF1 ${f(v[m].idf1)}, MOTA ${f(v[m].mota)}, ` +
                `ID switches ${v[m].idSwitches}, HOTA ${f(v[m].hota)} (DetA ${f(v[m].detA)}, AssA ${f(v[m].assA)})`,
            )
            .join('; '),
      );
      expect(out.tracklets.ari).toBeGreaterThanOrEqual(v.tracklets.ari);
      expect(out.tracklets.idf1).toBeGreaterThanOrEqual(v.tracklets.idf1);
      // eval put the video's own vectors back.
      expect((await api(`/v1/videos/${out.videoId}`)).body.embedding).toBe('reid');
      // With the general embedding, tracklets first beats appearance alone by far. Re-id vectors bring
      // appearance alone close on this 3 s crowd (docs/clustering.md); the one-by-one test below shows
      // where it still splits people and tracklets do not.
      expect(v.tracklets.ari).toBeGreaterThan(v.observations.ari);
      expect(v.tracklets.idf1).toBeGreaterThan(v.observations.idf1);

      // The exported file, read back and scored, gives what eval printed for the current mode.
      const rows = parseMotResults(await readFile(exported, 'utf8'));
      expect(Math.min(...rows.map((r) => r.frame))).toBeGreaterThanOrEqual(0);
      const again = evaluateTracking(
        truth,
        rows.map((r) => ({ frame: r.frame, box: r.box, entity: r.id })),
        { frames: sampledSourceFrames(fps, 71 / 25, 25) },
      );
      for (const k of ['idf1', 'mota', 'hota', 'detA', 'assA'] as const)
        expect(again[k], `read back ${k}`).toBeCloseTo(out.tracklets[k], 2);
      expect(again.idSwitches).toBe(out.tracklets.idSwitches);

      // MOTChallenge scores pedestrians only: the same video, person observations alone.
      const persons = await orion(['eval', '--gt', gt, '--json', '--labels', 'person', out.videoId]);
      expect(persons.code, persons.stderr).toBe(0);
      const p = JSON.parse(persons.stdout) as Record<'tracklets' | 'observations', MotModeScores>;
      console.log(
        `orion eval TUD-Campus @${fps} fps --labels person: ` +
          (['tracklets', 'observations'] as const)
            .map(
              (m) =>
                `${m}: ARI ${f(p[m].ari)}, ${p[m].entitiesMatched} entities, IDF1 ${f(p[m].idf1)}, MOTA ${f(p[m].mota)}, ` +
                `ID switches ${p[m].idSwitches}, Frag ${p[m].fragmentations}, HOTA ${f(p[m].hota)} (DetA ${f(p[m].detA)}, AssA ${f(p[m].assA)})`,
            )
            .join('; ') +
          `; precision ${f(p.tracklets.precision)}`,
      );
      // Other classes' boxes on nothing were false positives: leaving them out can only help precision.
      expect(p.tracklets.precision).toBeGreaterThanOrEqual(out.tracklets.precision);
      expect(p.tracklets.mota).toBeGreaterThanOrEqual(out.tracklets.mota);
      if (fps === 25) {
        // The table for people carries the same metrics as columns.
        const table = await orion(['eval', '--gt', gt, out.videoId]);
        expect(table.code, table.stderr).toBe(0);
        expect(table.stdout).toMatch(
          /entities ÷ identities.*ARI.*IDF1.*MOTA.*ID sw\..*Frag.*HOTA.*DetA.*AssA/,
        );
        expect(table.stdout).toContain(`│ ${out.tracklets.idf1.toFixed(3)} `);
      }
    }
  }, 300_000);

  it('scores the Intel one-by-one video against its visits ground truth (orion eval --gt-format visits, 2 and 4 fps): no entity holds two people', async () => {
    const gt = oneByOne.visits;
    const video = oneByOne.video();
    const line = (name: string, t: VisitModeScores) =>
      `${name}: ${t.entitiesMatched} entities / ${t.identities} identities, ARI ${t.ari.toFixed(3)}, purity ${t.purity.toFixed(3)}, ` +
      `visits split ${t.splitVisits}, entities merging ${t.mergingEntities}`;
    for (const fps of [2, 4]) {
      const out = await evalVisits(gt, fps, video);
      const t = out.tracklets;
      const general = await orion([
        'eval',
        '--gt-format',
        'visits',
        '--gt',
        gt,
        '--json',
        '--embedding',
        'vision',
        out.videoId,
      ]);
      expect(general.code, general.stderr).toBe(0);
      const v = JSON.parse(general.stdout) as VisitScores;
      console.log(
        `orion eval one-by-one @${fps} fps (visits), ${out.embedding} vectors: ${line('tracklets', t)}; ` +
          `per visit ${t.perVisit.map((x) => `${x.identity}→${x.majorityEntity} (${x.majorityShare.toFixed(2)})`).join(' ')}; ` +
          `${line('observations', out.observations)} | vision vectors: ${line('tracklets', v.tracklets)}; ${line('observations', v.observations)}`,
      );
      expect(out.embedding).toBe('reid');
      expect(t).toMatchObject({ visits: 6, identities: 6, returningIdentities: 0 });
      // No boxes in visits ground truth: the box-based tracking metrics are null, not made up.
      expect(t).toMatchObject({
        idf1: null,
        mota: null,
        idSwitches: null,
        hota: null,
        detA: null,
        assA: null,
      });
      expect(t.entitiesPerIdentity).toBeCloseTo(t.entitiesMatched / 6, 12);
      expect(t.outside).toBeLessThanOrEqual(0.05 * t.inVisits);
      // Tracklets follow each person through their visit: one entity holds (nearly) all of it.
      for (const x of t.perVisit)
        expect(x.majorityShare, `${fps} fps ${x.identity}`).toBeGreaterThanOrEqual(0.9);
      // Six different people, B and D both in black from behind: with re-id vectors no entity holds
      // two of them (MobileNetV2 features joined B with D and A with E: docs/clustering.md).
      expect(t.mergingEntities, `${fps} fps`).toBe(0);
      expect(t.ari, `${fps} fps`).toBeGreaterThanOrEqual(0.9);
      expect(t.ari, `${fps} fps`).toBeGreaterThan(v.tracklets.ari);

      if (fps === 2) {
        // The table for people has the visit columns and one row per visit.
        const table = await orion(['eval', '--gt-format', 'visits', '--gt', gt, out.videoId]);
        expect(table.code, table.stderr).toBe(0);
        expect(table.stdout).toMatch(/6 visits of 6 identities, reid vectors/);
        expect(table.stdout).toMatch(/visits split.*entities merging.*returning reunited/);
        expect(table.stdout).toMatch(
          /IDF1, MOTA, ID switches and HOTA do not apply: visits ground truth has no boxes/,
        );
        for (const who of ['A', 'B', 'C', 'D', 'E', 'F'])
          expect(table.stdout).toMatch(new RegExp(`│ ${who} \\(person\\)`));
      }
    }
  }, 420_000);

  it('reunites people who leave and come back (the one-by-one video re-cut so that each person returns)', async () => {
    // Nobody comes back in the fixture itself, so each of its six visits is cut in two halves and the
    // halves are put back in another order with the empty table in between: A₁ B₁ A₂ C₁ B₂ D₁ C₂ … F₂.
    // Each person vanishes mid-visit and reappears after someone else (gaps of 3 s, longer than
    // TRACK_MAX_LOST_SECONDS, so no tracklet bridges them): only appearance can reunite the halves.
    const source = oneByOne.video();
    const truth = parseVisitGroundTruth(await readFile(oneByOne.visits, 'utf8'));
    const empty = { start: 1, end: 4 }; // the table before the first visit (6.5 s)
    const halves = truth.visits.map((v) => {
      const mid = Math.round((v.start + v.end) * 5) / 10;
      return [
        { start: v.start - 1, end: mid },
        { start: mid, end: v.end + 1 },
      ] as const;
    });
    const cuts: Cut[] = [];
    halves.forEach(([first], k) => {
      cuts.push(first, empty);
      if (k > 0) cuts.push(halves[k - 1]![1], empty);
    });
    cuts.push(halves.at(-1)![1]);
    const video = await recutVideo(source, cuts, join(dir, 'one-by-one-comeback.mp4'));
    const gt = join(dir, 'one-by-one-comeback.visits.csv');
    await writeFile(
      gt,
      spansInCuts(truth.visits, cuts)
        .map((v) => `${v.start.toFixed(2)},${v.end.toFixed(2)},${v.identity},${v.label}`)
        .join('\n'),
    );

    for (const fps of [2, 4]) {
      const out = await evalVisits(gt, fps, video);
      for (const mode of ['tracklets', 'observations'] as const) {
        const m = out[mode];
        console.log(
          `orion eval one-by-one re-cut @${fps} fps (visits), ${mode}: reunited ${m.reunitedIdentities}/${m.returningIdentities}, ` +
            `${m.entitiesMatched} entities / ${m.identities} identities, ARI ${m.ari.toFixed(3)}, purity ${m.purity.toFixed(3)}, ` +
            `visits split ${m.splitVisits}, entities merging ${m.mergingEntities}; ` +
            `per visit ${m.perVisit.map((v) => `${v.identity}→${v.majorityEntity} (${v.majorityShare.toFixed(2)})`).join(' ')}`,
        );
      }
      const t = out.tracklets;
      expect(t).toMatchObject({ visits: 12, identities: 6, returningIdentities: 6 });
      // More often than not, a person's two halves have the same majority entity …
      expect(t.reunitedIdentities, `${fps} fps`).toBeGreaterThan(t.returningIdentities / 2);
      // … without that entity holding someone else too.
      expect(t.purity, `${fps} fps`).toBeGreaterThanOrEqual(0.9);
      // Appearance alone spreads each visit over several entities.
      expect(t.splitVisits, `${fps} fps`).toBeLessThan(out.observations.splitVisits);
      expect(t.ari, `${fps} fps`).toBeGreaterThan(out.observations.ari);
    }
    // Two whole runs of `orion eval` (each clustering twice): past the default minute on a loaded machine.
  }, 240_000);
});
