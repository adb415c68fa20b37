import { join } from 'node:path';
import { projectRoot } from '@orion/shared';
import { freePort, startService } from '@orion/shared/local';
import type { LaunchedApi } from './api-harness.js';

/**
 * An `ApiLauncher` that runs the API's entry point (`apps/api/src/main.ts`) in a child process, as
 * production does: for tests of the API's clients, which must not import the app.
 */
export async function apiProcess(env: Record<string, string>): Promise<LaunchedApi & { pid: number }> {
  const port = await freePort();
  const service = await startService({
    name: 'api',
    command: process.execPath,
    args: ['--conditions=orion-source', '--import', 'tsx', join(projectRoot(), 'apps/api/src/main.ts')],
    port,
    spawnOptions: { env: { ...process.env, ...env, API_PORT: String(port) } },
    startTimeoutMs: 60_000,
  });
  // The pid lets crash tests kill -9 it; `close` still works (and is quick) after that.
  return { url: `http://127.0.0.1:${port}`, pid: service.pid, close: service.stop };
}
