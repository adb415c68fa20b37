import { openAsBlob } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { iou, parseMotGroundTruth, parseVisitGroundTruth, xyxyToXywh, type Visit } from '@orion/tracking';
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

// Issue #19, the same object in other videos: two videos cut from one fixture (each person's visit
// cut in two), processed by the whole product (API and workers as processes, real Redis, ffmpeg,
// YOLOX-Nano, MobileNetV2, OSNet), then grouped into identities across the videos.

let stack: OrionStack;
let dir: string;
let validator: OpenApiValidator;

async function api(path: string, init: RequestInit = {}, pathTemplate?: string) {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${stack.apiKey}`, ...init.headers },
  });
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.startsWith('application/json') ? await res.json() : await res.text();
  if (pathTemplate) {
    expect(
      validator.problem((init.method ?? 'GET').toLowerCase(), pathTemplate, res.status, type, body),
    ).toBeUndefined();
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: body as any };
}

async function submit(file: string, targetFps: number): Promise<string> {
  const form = new FormData();
  form.append('targetFps', String(targetFps));
  form.append('file', await openAsBlob(file), file.split('/').at(-1)!);
  const sub = await api('/v1/videos', { method: 'POST', body: form }, '/v1/videos');
  expect(sub.status, JSON.stringify(sub.body)).toBe(202);
  return sub.body.videos[0].id as string;
}

async function completed(id: string, timeoutMs = 420_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(`/v1/videos/${id}`);
    if (['completed', 'failed'].includes(body.state)) {
      expect(body.state, JSON.stringify(body.error)).toBe('completed');
      return body;
    }
    if (Date.now() > deadline) throw new Error(`video ${id} did not finish: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

interface EntityRef {
  videoId: string;
  entityId: string;
  label: string;
  firstSeen: number;
  lastSeen: number;
}

type Observation = { t: number; box: [number, number, number, number]; entity: string | null };

async function entitiesOf(id: string): Promise<EntityRef[]> {
  const { body } = await api(`/v1/videos/${id}/entities?limit=500&label=person`);
  return body.entities.map((e: EntityRef & { id: string }) => ({ ...e, videoId: id, entityId: e.id }));
}

async function observationsOf(id: string): Promise<Observation[]> {
  const out: Observation[] = [];
  let cursor: string | undefined;
  do {
    const { body } = await api(`/v1/videos/${id}/observations?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...body.observations);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}

/** The person an entity shows (`fixture:identity`), by overlap of its time span with the visits. */
function personByVisits(e: EntityRef, visits: Visit[], fixture: string): string | null {
  let best: string | null = null;
  let bestOverlap = 0;
  for (const v of visits) {
    const overlap = Math.min(e.lastSeen, v.end) - Math.max(e.firstSeen, v.start);
    if (overlap >= 0 && overlap + 1e-9 > bestOverlap) {
      bestOverlap = overlap + 1e-9;
      best = `${fixture}:${v.identity}`;
    }
  }
  return best;
}

/** Share of an entity's matched boxes that may belong to a second person before the entity counts as mixed. */
const MIXED_SHARE = 0.2;

/**
 * The person of each entity by its boxes: the ground-truth identity most of its boxes overlap (IoU ≥ 0.5).
 * An entity whose boxes go to a second person at least MIXED_SHARE of the time is mixed: the video's
 * own tracking joined two people (on TUD-Campus, one detector box over person 5 and person 8 walking
 * one behind the other). Identities are scored on single-person entities; mixed ones are reported.
 */
function personsByBoxes(
  observations: Observation[],
  truth: ReturnType<typeof parseMotGroundTruth>,
  firstGtFrame: number,
  fps: number,
  fixture: string,
): { personOf: Map<string, string>; mixed: Map<string, string> } {
  const votes = new Map<string, Map<number, number>>();
  for (const o of observations) {
    if (!o.entity) continue;
    const frame = firstGtFrame + Math.round(o.t * fps);
    let best: number | null = null;
    let bestIou = 0.5;
    for (const g of truth.frames.get(frame) ?? []) {
      const overlap = iou(xyxyToXywh(o.box), g.box);
      if (overlap >= bestIou) [best, bestIou] = [g.id, overlap];
    }
    if (best === null) continue;
    const v = votes.get(o.entity) ?? votes.set(o.entity, new Map()).get(o.entity)!;
    v.set(best, (v.get(best) ?? 0) + 1);
  }
  const personOf = new Map<string, string>();
  const mixed = new Map<string, string>();
  for (const [entity, v] of votes) {
    const ranked = [...v.entries()].sort((a, b) => b[1] - a[1]);
    const total = ranked.reduce((s, [, n]) => s + n, 0);
    const [[id], second] = [ranked[0]!, ranked[1]];
    if (second && second[1] >= MIXED_SHARE * total) {
      mixed.set(entity, ranked.map(([p, n]) => `${fixture}:${p} ${n}/${total}`).join(', '));
    } else personOf.set(entity, `${fixture}:${id}`);
  }
  return { personOf, mixed };
}

interface Scores {
  /** People with entities in both videos. */
  inBoth: string[];
  /** Of those, the ones an identity reunites (one of their entities in each video). */
  reunited: string[];
  /** Identities holding entities of two or more people. */
  merging: string[][];
}

function score(
  identities: { appearances: { videoId: string; entityId: string }[] }[],
  personOf: Map<string, string>,
  [a, b]: [string, string],
  fixture: string,
): Scores {
  const key = (videoId: string, entityId: string) => `${videoId}/${entityId}`;
  const peopleIn = (video: string) =>
    new Set([...personOf].filter(([k]) => k.startsWith(`${video}/`)).map(([, p]) => p));
  const inA = peopleIn(a);
  const inBoth = [...peopleIn(b)].filter((p) => inA.has(p)).sort();
  const reunited = new Set<string>();
  const merging: string[][] = [];
  for (const identity of identities) {
    const people = new Set<string>();
    const byVideo = new Map<string, Set<string>>();
    for (const x of identity.appearances) {
      const p = personOf.get(key(x.videoId, x.entityId));
      if (!p) continue;
      people.add(p);
      (byVideo.get(x.videoId) ?? byVideo.set(x.videoId, new Set()).get(x.videoId)!).add(p);
    }
    const ofFixture = [...people].filter((p) => p.startsWith(fixture));
    if (ofFixture.length > 1 || (ofFixture.length === 1 && people.size > 1)) merging.push([...people].sort());
    for (const p of byVideo.get(a) ?? []) if (byVideo.get(b)?.has(p)) reunited.add(p);
  }
  return { inBoth, reunited: [...reunited].sort(), merging };
}

const ids: Record<string, string> = {};
const personOf = new Map<string, string>();
/** Entities whose boxes show two people (`video/entity` → shares), left out of the scores. */
const mixedEntities = new Map<string, string>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orion-identities-'));
  stack = await startOrionStack({
    redisUrl: inject('redisUrl'),
    storageUrl: `file://${join(dir, 'data')}`,
    env: { QUEUE_PREFIX: `ids-${randomUUID().slice(0, 8)}`, IDENTITIES_DEBOUNCE_MS: '500' },
  });
  validator = await OpenApiValidator.load(stack.apiUrl);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (!process.env.ORION_KEEP_TEST_DIR) await rm(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
});

describe('identities across videos (issue #19 item 3)', () => {
  const visitsFile = join(
    projectRoot(),
    'test/fixtures/ground-truth/intel_one-by-one-person-detection.visits.csv',
  );
  const tudGt = fixturePath('mot/TUD-Campus/gt/gt.txt');

  it('cuts both fixtures in two, processes the four clips and finds who is who', async () => {
    const { visits } = parseVisitGroundTruth(await readFile(visitsFile, 'utf8'));
    // First halves in one video, second halves in the other; 2 s of the empty table around each
    // part keep the parts of two people apart (visits are ≥ 3.5 s apart).
    const first: Cut[] = visits.map((v) => ({ start: v.start - 2, end: (v.start + v.end) / 2 }));
    const second: Cut[] = visits.map((v) => ({ start: (v.start + v.end) / 2, end: v.end + 2 }));
    const obo1 = await recutVideo(
      fixturePath('videos', 'intel_one-by-one-person-detection.mp4'),
      first,
      join(dir, 'obo-1.mp4'),
    );
    const obo2 = await recutVideo(
      fixturePath('videos', 'intel_one-by-one-person-detection.mp4'),
      second,
      join(dir, 'obo-2.mp4'),
    );
    // TUD-Campus: 71 frames at 25 fps, cut at frame 36 (1.44 s).
    const tud = fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4');
    const tud1 = await recutVideo(tud, [{ start: 0, end: 1.44 }], join(dir, 'tud-1.mp4'));
    const tud2 = await recutVideo(tud, [{ start: 1.44, end: 2.84 }], join(dir, 'tud-2.mp4'));

    ids.obo1 = await submit(obo1, 2);
    ids.obo2 = await submit(obo2, 2);
    ids.tud1 = await submit(tud1, 25);
    ids.tud2 = await submit(tud2, 25);
    for (const id of Object.values(ids)) await completed(id);

    for (const [video, cuts] of [
      [ids.obo1!, first],
      [ids.obo2!, second],
    ] as const) {
      const spans = spansInCuts(visits, cuts);
      for (const e of await entitiesOf(video)) {
        const p = personByVisits(e, spans, 'obo');
        if (p) personOf.set(`${video}/${e.entityId}`, p);
      }
    }
    const truth = parseMotGroundTruth(await readFile(tudGt, 'utf8'));
    for (const [video, firstFrame] of [
      [ids.tud1!, 1],
      [ids.tud2!, 37],
    ] as const) {
      const found = personsByBoxes(await observationsOf(video), truth, firstFrame, 25, 'tud');
      for (const [entity, p] of found.personOf) personOf.set(`${video}/${entity}`, p);
      for (const [entity, shares] of found.mixed) mixedEntities.set(`${video}/${entity}`, shares);
    }
    expect(new Set([...personOf.values()].filter((p) => p.startsWith('obo:'))).size).toBe(6);
  }, 900_000);

  it('matches an entity to the same person in the other video, by re-id vectors', async () => {
    const [key, person] = [...personOf].find(([k]) => k.startsWith(`${ids.obo1}/`))!;
    const [video, entity] = key.split('/') as [string, string];
    const res = await api(
      `/v1/videos/${video}/entities/${entity}/matches?limit=5`,
      {},
      '/v1/videos/{id}/entities/{entityId}/matches',
    );
    expect(res.status).toBe(200);
    expect(res.body.labels).toEqual(['person']);
    expect(res.body.matches.length).toBeGreaterThan(0);
    for (const m of res.body.matches) {
      expect(m.videoId).not.toBe(video);
      expect(m.evidence.vector).toBe('reid');
      expect(m.score).toBeCloseTo(1 - m.evidence.distance / 2, 6);
    }
    const top = res.body.matches[0];
    console.log(
      `matches of ${person} (${entity}): ${res.body.matches
        .map(
          (m: { videoId: string; entityId: string; score: number }) =>
            `${personOf.get(`${m.videoId}/${m.entityId}`) ?? '?'} ${m.score.toFixed(3)}`,
        )
        .join(', ')}`,
    );
    expect(personOf.get(`${top.videoId}/${top.entityId}`)).toBe(person);
    const strict = await api(`/v1/videos/${video}/entities/${entity}/matches?minScore=1`);
    expect(strict.body.matches).toEqual([]);
    const unknown = await api(
      `/v1/videos/${video}/entities/e999/matches`,
      {},
      '/v1/videos/{id}/entities/{entityId}/matches',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/No entity e999/);
    expect((await api('/v1/videos/no-such-video/entities/e1/matches')).status).toBe(404);
  });

  it('groups each person of both fixtures across the two videos, and never two people in one identity', async () => {
    const before = new Date().toISOString();
    const rec = await api('/v1/identities/recompute', { method: 'POST' }, '/v1/identities/recompute');
    expect(rec.status).toBe(202);
    const deadline = Date.now() + 120_000;
    let list;
    do {
      await new Promise((r) => setTimeout(r, 500));
      list = (await api('/v1/identities?limit=500', {}, '/v1/identities')).body;
    } while ((!list.computedAt || list.computedAt < before) && Date.now() < deadline);
    expect(list.computedAt >= before).toBe(true);
    for (const identity of list.identities)
      for (const a of identity.appearances)
        expect(a.thumbnailUrl).toBe(`/v1/videos/${a.videoId}/entities/${a.entityId}/thumbnail`);

    const obo = score(list.identities, personOf, [ids.obo1!, ids.obo2!], 'obo:');
    const tud = score(list.identities, personOf, [ids.tud1!, ids.tud2!], 'tud:');
    console.log(
      `identities: ${list.counts.identities} of ${list.counts.entities} entities, ${list.counts.acrossVideos} across videos; ` +
        `one-by-one: ${obo.reunited.length}/${obo.inBoth.length} reunited (${obo.reunited.join(' ')}); ` +
        `TUD-Campus: ${tud.reunited.length}/${tud.inBoth.length} reunited (${tud.reunited.join(' ')}); ` +
        `identities holding two people: ${JSON.stringify([...obo.merging, ...tud.merging])}; ` +
        `entities of two people (left out): ${JSON.stringify(Object.fromEntries(mixedEntities))}`,
    );
    const who = (i: { appearances: { videoId: string; entityId: string }[] }) =>
      i.appearances
        .map(
          (a) =>
            `${Object.entries(ids).find(([, v]) => v === a.videoId)?.[0]}:${a.entityId}=${personOf.get(`${a.videoId}/${a.entityId}`) ?? (mixedEntities.has(`${a.videoId}/${a.entityId}`) ? 'mixed' : '?')}`,
        )
        .join(' ');
    console.log(`identities:\n${list.identities.map(who).join('\n')}`);
    expect(obo.inBoth).toHaveLength(6);
    expect(obo.reunited.length).toBeGreaterThanOrEqual(5);
    // TUD-Campus: 4 of 5 people reunited. Person 5 is the one not: its clip-1 entity went with the
    // clip-2 entity that follows it into one detector box over persons 5 and 8 (mixed, left out of the
    // scores; docs/clustering.md, "Across videos: identities").
    expect(tud.inBoth.length).toBeGreaterThanOrEqual(4);
    expect(tud.reunited.length).toBeGreaterThanOrEqual(tud.inBoth.length - 1);
    expect(tud.merging).toEqual([]);
    expect(obo.merging).toEqual([]);

    // Paging and filters.
    const page = await api('/v1/identities?limit=1&acrossVideos=true', {}, '/v1/identities');
    expect(page.body.identities).toHaveLength(1);
    expect(page.body.identities[0].videos).toBeGreaterThan(1);
    if (page.body.total > 1) expect(page.body.nextCursor).toBe('1');
  });
});
