import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService } from './child-service.js';
import { freePort } from './ports.js';

export interface RunningRedis extends RunningService {
  url: string;
}

export interface RedisServerOptions {
  port?: number;
  /**
   * Keep the data in this folder with an append-only file (fsync every second), as production runs
   * Redis: a restart on the same folder finds every queue and record again. The folder is kept.
   * Without it: a temp folder, no persistence (tests), removed by `stop()`.
   */
  aofDir?: string;
  /**
   * In its own process group, so that a terminal's Ctrl-C reaches only the parent, which stops Redis
   * last, after the processes that use it (`npm start`).
   */
  detached?: boolean;
}

/** A `redis-server` on a free loopback port; `stop()` ends it by pid. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningRedis> {
  const port = options.port ?? (await freePort());
  const dir = options.aofDir ?? (await mkdtemp(join(tmpdir(), 'orion-redis-')));
  const persistence = options.aofDir
    ? ['--appendonly', 'yes', '--appendfsync', 'everysec']
    : ['--appendonly', 'no'];
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
      ...persistence,
      '--maxmemory-policy',
      'noeviction',
    ],
    port,
    workDir: options.aofDir ? undefined : dir,
    spawnOptions: options.detached ? { detached: true } : undefined,
  });
  return { ...service, url: `redis://127.0.0.1:${port}` };
}
