import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalAdminKey, writeLocalStackInfo } from '@orion/shared/local';
import { tempDirs } from '@orion/testkit';
import { apiTarget } from '../src/api-target.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** A local-stack folder as `npm start` leaves it while it runs, with `pid` as its process. */
async function localDir(pid: number) {
  const dir = await dirs.make('orion-local-');
  const key = await ensureLocalAdminKey(dir);
  await writeLocalStackInfo(dir, { apiUrl: 'http://127.0.0.1:45678', redisUrl: 'redis://x', pid });
  return { dir, key };
}

describe('which API the CLI talks to', () => {
  it('the running local stack when ORION_API_URL and ORION_API_KEY are unset, saying so in one line', async () => {
    const { dir, key } = await localDir(process.pid);
    const notices: string[] = [];
    expect(apiTarget({ ORION_LOCAL_DIR: dir }, (l) => notices.push(l))).toEqual({
      url: 'http://127.0.0.1:45678',
      key,
    });
    expect(notices).toEqual([
      `orion: using the local stack at http://127.0.0.1:45678 and its admin key (from ${dir})`,
    ]);
  });

  it('the environment when it names an API, silently', async () => {
    const { dir } = await localDir(process.pid);
    const notices: string[] = [];
    const env = { ORION_LOCAL_DIR: dir, ORION_API_URL: 'http://api.test:3000', ORION_API_KEY: 'k' };
    expect(apiTarget(env, (l) => notices.push(l))).toEqual({ url: 'http://api.test:3000', key: 'k' });
    expect(notices).toEqual([]);
  });

  it('the default address when the stack that wrote the folder is gone, or is still starting', async () => {
    // A pid past the kernel's maximum: no such process.
    const gone = await localDir(4_194_305);
    const starting = await dirs.make('orion-local-');
    await writeFile(
      join(starting, 'stack.json'),
      JSON.stringify({ apiUrl: '', redisUrl: '', pid: process.pid }),
    );
    for (const dir of [gone.dir, starting]) {
      const notices: string[] = [];
      expect(apiTarget({ ORION_LOCAL_DIR: dir }, (l) => notices.push(l))).toEqual({
        url: 'http://127.0.0.1:3000',
        key: undefined,
      });
      expect(notices).toEqual([]);
    }
  });
});
