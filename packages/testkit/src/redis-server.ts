import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService } from './child-service.js';
import { freePort } from './ports.js';

export interface RunningRedis extends RunningService {
  url: string;
}

/**
 * A throwaway `redis-server` on a free loopback port with its data in a temp directory and no
 * persistence; `stop()` ends it by pid and removes the directory.
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RunningRedis> {
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'orion-redis-'));
  const service = await startService({
    name: 'redis-server',
    command: 'redis-server',
    // noeviction: BullMQ must never lose keys under memory pressure.
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    port,
    workDir: dir,
  });
  return { ...service, url: `redis://127.0.0.1:${port}` };
}
