import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '@orion/shared';
import { freePort } from './ports.js';

export const STACK_APPS = ['api', 'detect-worker', 'embed-worker', 'cluster-worker'] as const;
export type StackApp = (typeof STACK_APPS)[number];

export interface OrionStack {
  apiUrl: string;
  apiKey: string;
  /** Output of each process so far (for diagnostics). */
  output(app: StackApp): string;
  /** A worker's metrics/health port, as it logged when ready. */
  opsPort(app: Exclude<StackApp, 'api'>): number;
  /** SIGTERM to every process, waiting for each to exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface StackOptions {
  redisUrl: string;
  storageUrl: string;
  /** Extra environment for every process (TARGET_FPS, SHARD_SECONDS, …). */
  env?: Record<string, string>;
  apiKey?: string;
  /** Called with each line a process prints. */
  onLine?: (app: StackApp, line: string) => void;
  startTimeoutMs?: number;
}

/**
 * The API and the three workers as child processes — the same entry points production runs — on
 * one Redis and one store, each waiting until it has logged that it is ready.
 */
export async function startOrionStack(opts: StackOptions): Promise<OrionStack> {
  const apiKey = opts.apiKey ?? 'local-demo-key-0123456789';
  const port = await freePort();
  const root = projectRoot();
  const children = new Map<StackApp, ChildProcess>();
  const outputs = new Map<StackApp, string>();
  const opsPorts = new Map<StackApp, number>();
  const env = {
    ...process.env,
    REDIS_URL: opts.redisUrl,
    STORAGE_URL: opts.storageUrl,
    API_KEYS: `${apiKey}=local:admin`,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    OPS_PORT: '0',
    ...opts.env,
    // Readiness is read from each process's "… ready" log line.
    LOG_LEVEL: 'info',
  };
  const stop = async (graceMs = 30_000) => {
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    await Promise.all(
      STACK_APPS.map(
        (app) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(
              process.execPath,
              ['--conditions=orion-source', '--import', 'tsx', `${root}/apps/${app}/src/main.ts`],
              { env, stdio: ['ignore', 'pipe', 'pipe'] },
            );
            children.set(app, child);
            outputs.set(app, '');
            const timer = setTimeout(
              () =>
                reject(
                  new Error(
                    `${app} did not start within ${opts.startTimeoutMs ?? 120_000} ms:\n${outputs.get(app)}`,
                  ),
                ),
              opts.startTimeoutMs ?? 120_000,
            );
            let pending = '';
            const onData = (chunk: Buffer) => {
              const text = chunk.toString();
              outputs.set(app, (outputs.get(app)! + text).slice(-20_000));
              pending += text;
              const lines = pending.split('\n');
              pending = lines.pop()!;
              for (const line of lines) {
                opts.onLine?.(app, line);
                if (line.includes(`${app} ready`)) {
                  const port = /"opsPort":(\d+)/.exec(line)?.[1];
                  if (port) opsPorts.set(app, Number(port));
                  clearTimeout(timer);
                  resolve();
                }
              }
            };
            child.stdout!.on('data', onData);
            child.stderr!.on('data', onData);
            child.once('exit', (code) => {
              clearTimeout(timer);
              reject(new Error(`${app} exited with code ${code} while starting:\n${outputs.get(app)}`));
            });
          }),
      ),
    );
  } catch (err) {
    await stop(5_000);
    throw err;
  }
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    apiKey,
    output: (app) => outputs.get(app) ?? '',
    opsPort: (app) => {
      const p = opsPorts.get(app);
      if (p === undefined) throw new Error(`${app} logged no ops port`);
      return p;
    },
    stop,
  };
}
