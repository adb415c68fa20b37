/**
 * `npm start`: Orion on one machine until Ctrl-C/SIGTERM. Its own redis-server (AOF under
 * `<local>/redis`, so a restart keeps queues and records; none when REDIS_URL is set), the filesystem
 * store under `<local>/data` (unless STORAGE_URL says otherwise), the API and LOCAL_*_REPLICAS of each
 * worker as child processes — the production entry points — in one prefixed log stream. A worker
 * that dies is restarted with backoff. The admin key is generated once and kept in `<local>/admin-key`;
 * the running API's URL goes to `<local>/stack.json`, where the `orion` CLI finds both.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@orion/shared';
import {
  ensureLocalAdminKey,
  localStackDir,
  runningLocalStackPid,
  removeLocalStackInfo,
  startRedisServer,
  writeLocalStackInfo,
  type RunningRedis,
} from '@orion/shared/local';
import { formatLogLine } from './local/log-line.js';
import { SupervisedApp } from './local/supervised-app.js';

const WORKERS = ['detect-worker', 'embed-worker', 'cluster-worker'] as const;
const LABEL_WIDTH = 'cluster-worker.2'.length;
const say = (line: string) => console.log(formatLogLine('start', line, LABEL_WIDTH));

const env = { ...process.env };
const dir = localStackDir(env);
env.ORION_LOCAL_DIR = dir;
if (!env.STORAGE_URL) env.STORAGE_URL = `file://${join(dir, 'data')}`;
let config;
try {
  config = loadConfig(env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`start: ${err.message}`);
  process.exit(78);
}

// Two stacks on one folder would run two redis-servers on one append-only file.
const other = runningLocalStackPid(dir);
if (other !== undefined) {
  console.error(`start: Orion already runs from ${dir} (pid ${other}); stop it first`);
  process.exit(1);
}
await mkdir(dir, { recursive: true, mode: 0o700 });
await writeLocalStackInfo(dir, { apiUrl: '', redisUrl: '', pid: process.pid });

let redis: RunningRedis | undefined;
const apps: SupervisedApp[] = [];
let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    say(`stopping ${apps.length} processes${redis ? ' and redis-server' : ''}…`);
    await Promise.all(apps.map((a) => a.stop()));
    await redis?.stop();
    await removeLocalStackInfo(dir);
    say('stopped');
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void stopAll().then(() => process.exit(0)));
}

try {
  const apiKey = await ensureLocalAdminKey(dir);
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const aofDir = join(dir, 'redis');
    await mkdir(aofDir, { recursive: true });
    redis = await startRedisServer({ aofDir, port: config.local.redisPort || undefined, detached: true });
    redisUrl = redis.url;
    say(`redis-server (pid ${redis.pid}) at ${redisUrl}, append-only file in ${aofDir}`);
  }
  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    REDIS_URL: redisUrl,
    // The local key beside any the user configured.
    API_KEYS: [env.API_KEYS, `${apiKey}=local:admin`].filter(Boolean).join(','),
    API_HOST: env.API_HOST ?? '127.0.0.1',
    // Several workers on one machine: each takes a free metrics port (it logs which).
    OPS_PORT: '0',
    // Readiness is read from each process's "… ready" line.
    LOG_LEVEL:
      config.logLevel === 'info' || config.logLevel === 'debug' || config.logLevel === 'trace'
        ? config.logLevel
        : 'info',
  };
  const log = (label: string, line: string) => console.log(formatLogLine(label, line, LABEL_WIDTH));
  const api = new SupervisedApp({ app: 'api', label: 'api', env: childEnv, log });
  apps.push(api);
  for (const worker of WORKERS) {
    const n = config.local.replicas[worker];
    for (let k = 1; k <= n; k++) {
      apps.push(
        new SupervisedApp({ app: worker, label: n > 1 ? `${worker}.${k}` : worker, env: childEnv, log }),
      );
    }
  }
  const [apiReady] = await Promise.all(apps.map((a) => a.start()));
  const port = /"address":"[^"]*:(\d+)"/.exec(apiReady!)?.[1] ?? String(config.api.port);
  const apiUrl = `http://127.0.0.1:${port}`;
  await writeLocalStackInfo(dir, { apiUrl, redisUrl, pid: process.pid });
  console.log(
    [
      '',
      `  Orion is running (${apps.length} processes). Ctrl-C stops everything.`,
      `  API          ${apiUrl}`,
      `  OpenAPI      ${apiUrl}/docs`,
      `  bull-board   ${apiUrl}/admin/queues`,
      `  admin key    ${apiKey}   (kept in ${join(dir, 'admin-key')})`,
      `  storage      ${env.STORAGE_URL}`,
      `  CLI          npx orion submit <video>   (finds this stack by itself)`,
      '',
    ].join('\n'),
  );
} catch (err) {
  console.error(`start: ${(err as Error).message}`);
  await stopAll();
  process.exit(1);
}
