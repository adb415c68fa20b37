import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  TEST_API_KEYS as KEYS,
  apiProcess,
  freePort,
  makeUploadMedia,
  startApp,
  startStandInWorkers,
  type ApiHarness,
  type UploadMedia,
} from '@orion/testkit';
import { runOrion } from './support/run-orion.js';

let api: ApiHarness;
let media: UploadMedia;
beforeAll(async () => {
  [api, media] = await Promise.all([
    startApp(apiProcess, { servers: { redisUrl: inject('redisUrl'), s3: inject('s3') } }),
    makeUploadMedia(),
  ]);
});
afterAll(async () => {
  await api?.close();
  await media?.cleanup();
});

/** The real `orion` executable, pointed at the test API with acme's key unless `env` says otherwise. */
const orion = (args: string[], env: Record<string, string> = {}) =>
  runOrion(args, { ORION_API_URL: api.url, ORION_API_KEY: KEYS.acme, ...env });

describe('orion CLI', () => {
  it('submits two files and prints their ids, then status --watch follows both to completed', async () => {
    const sub = await orion(['submit', media.long, media.short, '--tags', 'cli', '--json']);
    expect(sub.stderr).toBe('');
    expect(sub.code).toBe(0);
    const ids = (JSON.parse(sub.stdout) as { videos: { id: string; shards: number }[] }).videos;
    expect(ids.map((v) => v.shards)).toEqual([3, 1]);

    // Stand-in stage processors (`startStandInWorkers` in @orion/testkit) play the workers' part.
    const workers = startStandInWorkers(api);
    try {
      const watch = await orion(['status', '--watch', '--interval', '200', ...ids.map((v) => v.id)]);
      expect(watch.code).toBe(0);
      for (const v of ids) expect(watch.stdout).toContain(`${v.id}`);
      expect(watch.stdout.match(/state completed, stage done, 100%/g)).toHaveLength(2);
    } finally {
      await workers.close();
    }
  });

  it('prints a table for people', async () => {
    const sub = await orion(['submit', media.short, media.text]);
    expect(sub.code).toBe(1); // one file was refused
    expect(sub.stdout).toMatch(/short\.mp4.*queued/);
    expect(sub.stdout).toMatch(/notes\.mp4.*refused: notes\.mp4: not a readable video/);
  });

  it('says in one line when the API is unreachable, and exits 1', async () => {
    const res = await orion(['status', 'x'], { ORION_API_URL: `http://127.0.0.1:${await freePort()}` });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^orion: cannot reach the Orion API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/,
    );
  });

  it('eval: refuses an unknown ground-truth format, a malformed visits file naming its line, and an --export-mot path it cannot write, before submitting', async () => {
    const count = async () =>
      (
        (await (await api.request('/v1/videos?limit=100', { key: KEYS.acme })).json()) as {
          videos: unknown[];
        }
      ).videos.length;
    const before = await count();
    const bad = join(media.dir, 'bad.visits.csv');
    await writeFile(bad, '# start,end,identity\n0,10,ann\n12,oops,bob\n');
    const res = await orion(['eval', '--gt-format', 'visits', '--gt', bad, media.short]);
    expect(res).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'orion: visits line 3: end must be a number of seconds ≥ 0, got "oops"\n',
    });
    const format = await orion(['eval', '--gt-format', 'boxes', '--gt', bad, media.short]);
    expect(format).toMatchObject({
      code: 1,
      stderr: 'orion: unknown --gt-format boxes (supported: mot, visits)\n',
    });
    const good = join(media.dir, 'good.visits.csv');
    await writeFile(good, '0,10,ann\n');
    const nowhere = join(media.dir, 'no-such-folder', 'out.txt');
    const exported = await orion([
      'eval',
      '--gt-format',
      'visits',
      '--gt',
      good,
      '--export-mot',
      nowhere,
      media.short,
    ]);
    expect(exported).toMatchObject({
      code: 1,
      stderr: `orion: --export-mot ${nowhere}: no such folder ${join(media.dir, 'no-such-folder')}\n`,
    });
    const folder = await orion([
      'eval',
      '--gt-format',
      'visits',
      '--gt',
      good,
      '--export-mot',
      media.dir,
      media.short,
    ]);
    expect(folder).toMatchObject({
      code: 1,
      stderr: `orion: --export-mot ${media.dir}: is a folder, not a file\n`,
    });
    const labels = await orion(['eval', '--gt-format', 'visits', '--gt', good, '--labels', ',', media.short]);
    expect(labels).toMatchObject({
      code: 1,
      stderr: 'orion: --labels needs at least one class name, e.g. person\n',
    });
    expect(await count()).toBe(before);
  });

  it('index rebuild: rebuilds a tenant with an admin key, and is refused with a plain one', async () => {
    const ok = await orion(['index', 'rebuild', '--tenant', 'acme', '--json'], { ORION_API_KEY: KEYS.admin });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ tenantId: 'acme', rows: 0, annIndex: false });
    const refused = await orion(['index', 'rebuild']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/admin/);
  });

  it('search: sends a label search with every filter the API takes, and refuses an ambiguous one', async () => {
    const res = await orion([
      'search',
      '--label',
      'person',
      '--labels',
      'person',
      'car',
      '--tag',
      'cli',
      '--from',
      '0',
      '--to',
      '5',
      '--flagged',
      '--hide-false-positives',
      '--min-score',
      '0.5',
      '--limit',
      '5',
      '--offset',
      '0',
      '--json',
    ]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ method: 'label', results: [] });
    const unknownVideo = await orion(['search', '--label', 'person', '--video', 'no-such-video']);
    expect(unknownVideo.code).toBe(1);
    expect(unknownVideo.stderr).toMatch(/404/);
    const both = await orion(['search', 'a red bottle', '--label', 'bottle']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/give one of/);
    const badScore = await orion(['search', '--label', 'bottle', '--min-score', '2']);
    expect(badScore.code).not.toBe(0);
    expect(badScore.stderr).toMatch(/between 0 and 1/);
  });

  it('reports API errors in one line', async () => {
    const res = await orion(['status', 'some-id'], { ORION_API_KEY: 'wrong-key-0123456789' });
    expect(res).toMatchObject({ code: 1, stderr: 'orion: the API answered 401: Unknown API key\n' });
    const missing = await orion(['submit', '/nope/missing.mp4']);
    expect(missing).toMatchObject({ code: 1, stderr: 'orion: no such file: /nope/missing.mp4\n' });
  });
});
