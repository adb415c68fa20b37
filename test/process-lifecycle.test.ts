import { afterAll, describe, expect, inject, it } from 'vitest';
import { startAppProcess, tempDirs } from '@orion/testkit';

const APPS = ['api', 'detect-worker', 'embed-worker', 'cluster-worker'];
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** Runs an app's entry point the way `npm run dev` does, and collects its output. */
const startApp = (app: string, env: Record<string, string>) =>
  startAppProcess(app, { LOG_LEVEL: 'info', ...env });

describe.each(APPS)('%s process', (app) => {
  it('starts against real Redis and storage, and exits 0 on SIGTERM', async () => {
    const dir = await dirs.make(`orion-${app}-`);
    const proc = startApp(app, {
      REDIS_URL: inject('redisUrl'),
      STORAGE_URL: `file://${dir}`,
      QUEUE_PREFIX: `lifecycle-${app}`,
      // The API also needs keys and a port; the workers ignore these.
      API_KEYS: 'lifecycle-test-key-0123=lifecycle',
      API_PORT: '0',
      API_HOST: '127.0.0.1',
      OPS_PORT: '0',
    });
    await proc.waitFor(new RegExp(`${app} ready`));
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
  });

  it('refuses to start on an invalid setting, naming it', async () => {
    const proc = startApp(app, { EXECUTION_PROVIDER: 'tpu' });
    expect(await proc.exit).toBe(78);
    expect(proc.output()).toMatch(/EXECUTION_PROVIDER="tpu" must be one of auto, cpu, cuda/);
  });
});
