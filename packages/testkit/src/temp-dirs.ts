import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temp folders of a test file, removed by `cleanup()`. */
export function tempDirs(defaultPrefix = 'orion-test-') {
  const dirs: string[] = [];
  return {
    async make(prefix = defaultPrefix): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup: () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))),
  };
}
