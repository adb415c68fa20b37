import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '@orion/shared';

const APPS = ['api', 'detect-worker', 'embed-worker', 'cluster-worker'];
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Runs an app's entry point the way `npm run dev` does, and collects its output. */
function startApp(app: string, env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--conditions=orion-source', '--import', 'tsx', join(projectRoot(), 'apps', app, 'src', 'main.ts')],
    { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (child.exitCode !== null) throw new Error(`${app} exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`${app} never printed ${pattern}:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exit, waitFor, output: () => output };
}

describe.each(APPS)('%s process', (app) => {
  it('starts against real Redis and storage, and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), `orion-${app}-`));
    dirs.push(dir);
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
