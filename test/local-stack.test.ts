import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fixturePath, freePort, tempDirs } from '@orion/testkit';
import { runOrion } from '../packages/cli/test/support/run-orion.js';
import { LocalStackProcess } from './support/local-stack-process.js';

const TUD = fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4');
const dirs = tempDirs();
const started: LocalStackProcess[] = [];
afterEach(() => {
  for (const s of started.splice(0)) s.killLeftovers();
});
afterAll(() => dirs.cleanup());

/** `npm start` on `dir` and a free API port, once it says it is running. */
async function startLocal(dir: string) {
  // A low frame rate keeps TUD-Campus (about 8 s) to a few dozen frames.
  const stack = new LocalStackProcess({
    ORION_LOCAL_DIR: dir,
    API_PORT: String(await freePort()),
    TARGET_FPS: '2',
  });
  started.push(stack);
  await stack.waitFor(/Orion is running/, 180_000);
  return stack;
}

/** The CLI as a user runs it, with no ORION_API_URL/ORION_API_KEY: it must find the local stack. */
const orion = (dir: string, args: string[]) =>
  runOrion(args, { ORION_LOCAL_DIR: dir, ORION_API_URL: '', ORION_API_KEY: '' });

describe('npm start', () => {
  it('runs until SIGINT with nothing left behind; the CLI finds it; a second start still has the video', async () => {
    const dir = await dirs.make('orion-local-');
    const first = await startLocal(dir);
    const keyFile = join(dir, 'admin-key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = (await readFile(keyFile, 'utf8')).trim();
    expect(first.output()).toContain(`admin key    ${key}`);
    expect(first.output()).toMatch(/OpenAPI +http:\/\/127\.0\.0\.1:\d+\/docs/);
    expect(first.output()).toMatch(/bull-board +http:\/\/127\.0\.0\.1:\d+\/admin\/queues/);
    // redis-server, the API and one of each worker.
    expect(first.alive()).toHaveLength(5);

    const sub = await orion(dir, ['submit', TUD, '--json']);
    expect(sub.code).toBe(0);
    expect(sub.stderr).toMatch(
      /^orion: using the local stack at http:\/\/127\.0\.0\.1:\d+ and its admin key/,
    );
    const id = (JSON.parse(sub.stdout) as { videos: { id: string }[] }).videos[0]!.id;
    const watch = await orion(dir, ['status', '--watch', '--interval', '500', id]);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toMatch(/state completed, stage done, 100%/);

    expect(await first.stop('SIGINT')).toBe(0);
    expect(first.alive()).toEqual([]);
    expect(existsSync(join(dir, 'stack.json'))).toBe(false);

    const second = await startLocal(dir);
    expect((await readFile(keyFile, 'utf8')).trim()).toBe(key); // generated once
    const status = await orion(dir, ['status', id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/state completed/);
    const apiUrl = second.output().match(/API +(http:\/\/127\.0\.0\.1:\d+)/)![1]!;
    const list = (await fetch(`${apiUrl}/v1/videos`, { headers: { authorization: `Bearer ${key}` } }).then(
      (r) => r.json(),
    )) as { videos: { id: string }[] };
    expect(list.videos.map((v) => v.id)).toContain(id);
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(second.alive()).toEqual([]);
  }, 420_000);

  it('restarts a worker that dies, and says so; refuses a second start on its folder', async () => {
    const dir = await dirs.make('orion-local-');
    const stack = await startLocal(dir);
    // A second start on the same folder is refused (one Redis per append-only file).
    const twin = new LocalStackProcess({ ORION_LOCAL_DIR: dir, API_PORT: '0' });
    started.push(twin);
    expect(await new Promise((r) => twin.child.once('exit', r))).toBe(1);
    expect(twin.output()).toMatch(/start: Orion already runs from .* \(pid \d+\); stop it first/);

    const pid = Number(stack.output().match(/\[embed-worker\] +started \(pid (\d+)\)/)![1]);
    process.kill(pid, 'SIGKILL');
    await stack.waitFor(
      new RegExp(`\\[embed-worker\\] +pid ${pid} exited \\(signal SIGKILL\\); restarting in 1\\.0 s`),
      30_000,
    );
    const [, again] = await stack.waitFor(/\[embed-worker\] +restarted \(pid (\d+)\)/, 180_000);
    expect(Number(again)).not.toBe(pid);
    expect(stack.alive()).toContain(Number(again));
    expect(stack.alive()).not.toContain(pid);
    expect(await stack.stop('SIGTERM')).toBe(0);
    expect(stack.alive()).toEqual([]);
  }, 300_000);
});
