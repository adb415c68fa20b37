import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENTITIES_FORMAT,
  QueueName,
  RESULTS_VERSION,
  encodeCentroids,
  parseJobData,
  videoKeys,
  type EntitiesFile,
} from '@orion/shared';
import {
  STAND_IN_RUN_PARAMS,
  TEST_API_KEYS,
  fileForm,
  makeUploadMedia,
  startStandInWorkers,
  type UploadMedia,
} from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

// The entity index on the API's side: the finalize step writes a run's rows when it becomes current,
// a recluster replaces them, a rebuild recreates them from stored results, and a deletion removes
// them — on the real LanceDB table under the test's store: a temp folder, and s3rver. The stand-in cluster stage stores
// results of the real format: 3 entities on a video's first run, 2 on any later run.

const DIM = 4;
const axis = (i: number) => Array.from({ length: DIM }, (_, k) => (k === i % DIM ? 1 : 0));

let media: UploadMedia;
beforeAll(async () => {
  media = await makeUploadMedia();
});
afterAll(async () => {
  await media?.cleanup();
});

describe.each(['fs', 's3'] as const)('the entity index behind the API, on the %s store', (storage) => {
  let api: ApiHarness;
  let standIns: { close(): Promise<unknown> } | undefined;
  const firstRun = new Map<string, string>();

  async function storeResults(job: Job) {
    const { videoId, runId } = parseJobData(QueueName.cluster, job.data);
    if (!firstRun.has(videoId)) firstRun.set(videoId, runId);
    const labels = firstRun.get(videoId) === runId ? ['person', 'car', 'person'] : ['dog', 'dog'];
    const file: EntitiesFile = {
      format: ENTITIES_FORMAT,
      version: RESULTS_VERSION,
      videoId,
      runId,
      createdAt: new Date().toISOString(),
      params: STAND_IN_RUN_PARAMS,
      embeddingModel: { backend: 'vision', name: 'stand-in', dim: DIM },
      counts: {
        observations: labels.length,
        entities: labels.length,
        tracklets: 0,
        unassigned: 0,
        flaggedObservations: 0,
        likelyFalsePositives: 0,
      },
      timings: {},
      entities: labels.map((label, i) => ({
        id: `e${i + 1}`,
        label,
        classDistribution: { [label]: 1 },
        observationCount: 1,
        trackletCount: 0,
        firstSeen: i,
        lastSeen: i + 1,
        representative: `0:${i}`,
        meanProbability: 1,
        flaggedObservations: i === 0 ? 1 : 0,
        likelyFalsePositive: false,
        centroidRow: i,
      })),
    };
    const keys = videoKeys(videoId).run(runId);
    await api.deps.store.put(
      keys.centroids,
      encodeCentroids(labels.map((_, i) => new Float32Array(axis(i)))),
    );
    await api.deps.store.put(keys.entities, JSON.stringify(file));
  }

  beforeAll(async () => {
    api = await startApi({ backgroundWorkers: true, storage });
    standIns = startStandInWorkers(api, undefined, undefined, storeResults);
  });

  afterAll(async () => {
    await standIns?.close();
    await api?.close();
  });

  async function submitAndWait(tags?: string): Promise<string> {
    const res = await api.request('/v1/videos', {
      method: 'POST',
      body: await fileForm([{ path: media.long, name: 'long.mp4' }], tags ? { tags } : {}),
    });
    expect(res.status).toBe(202);
    const id = (await res.json()).videos[0].id as string;
    await until(async () => (await api.deps.videos.get(id))?.state === 'completed', `video ${id} completed`);
    return id;
  }

  async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const rowsOf = async (videoId: string) =>
    (await api.deps.entityIndex.search('acme', { filter: { videoIds: [videoId] }, limit: 100 }))
      .map((r) => `${r.entityId}:${r.label}:${r.runId}`)
      .sort();

  const rebuild = (key: string, tenantId?: string) =>
    api.request('/v1/index/rebuild', {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tenantId ? { tenantId } : {}),
    });

  let a: string;
  let b: string;

  it("writes a video's rows when its run becomes current", async () => {
    [a, b] = await Promise.all([submitAndWait(), submitAndWait('lobby')]);
    const runA = (await api.deps.videos.get(a))!.runId;
    expect(await rowsOf(a)).toEqual([`e1:person:${runA}`, `e2:car:${runA}`, `e3:person:${runA}`].sort());
    const [hit] = await api.deps.entityIndex.search('acme', { filter: { videoIds: [b] }, limit: 1 });
    expect(hit).toMatchObject({ tags: ['lobby'], embeddingModel: 'vision/stand-in' });
    // Across videos, with the label filter pushed down: the persons of both videos, nearest first.
    const persons = await api.deps.entityIndex.search('acme', {
      vector: axis(2),
      filter: { labels: ['person'] },
      limit: 10,
    });
    expect(new Set(persons.map((h) => h.videoId))).toEqual(new Set([a, b]));
    expect(persons.map((h) => h.label)).toEqual(['person', 'person', 'person', 'person']);
    expect(persons[0]!.entityId).toBe('e3');
    expect(await api.deps.entityIndex.count('globex')).toBe(0);
    // The table lives in the store itself, beside the results (a folder, or a prefix of the bucket).
    expect((await api.deps.store.list('entity-index/')).objects.length).toBeGreaterThan(0);
  });

  it("replaces the rows with the recluster run's once it is current", async () => {
    const before = (await api.deps.videos.get(a))!.runId;
    const res = await api.request(`/v1/videos/${a}/recluster`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"minClusterSize":3}',
    });
    expect(res.status).toBe(202);
    await until(async () => (await api.deps.videos.get(a))?.runId !== before, 'recluster to finish');
    const after = (await api.deps.videos.get(a))!.runId;
    expect(await rowsOf(a)).toEqual([`e1:dog:${after}`, `e2:dog:${after}`]);
    expect(await rowsOf(b)).toHaveLength(3);
  });

  it('rebuilds a tenant from stored results (admin only), the same rows each time', async () => {
    expect((await rebuild(TEST_API_KEYS.acme, 'acme')).status).toBe(403);
    const expected = [await rowsOf(a), await rowsOf(b)];
    for (let i = 0; i < 2; i++) {
      const res = await rebuild(TEST_API_KEYS.admin, 'acme');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        tenantId: 'acme',
        videos: 2,
        skipped: 0,
        rows: 5,
        annIndex: false,
      });
      expect([await rowsOf(a), await rowsOf(b)]).toEqual(expected);
    }
    const bad = await rebuild(TEST_API_KEYS.admin, '../etc');
    expect(bad.status).toBe(400);
  });

  it("removes a deleted video's rows and keeps the others", async () => {
    expect((await api.request(`/v1/videos/${a}`, { method: 'DELETE' })).status).toBe(200);
    expect(await rowsOf(a)).toEqual([]);
    expect(await rowsOf(b)).toHaveLength(3);
  });
});
