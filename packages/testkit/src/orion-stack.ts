import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '@orion/shared';
import { freePort } from '@orion/shared/local';

export const STACK_APPS = ['api', 'detect-worker', 'embed-worker', 'cluster-worker'] as const;
export type StackApp = (typeof STACK_APPS)[number];
export type StackWorker = Exclude<StackApp, 'api'>;

export interface OrionStack {
  apiUrl: string;
  apiKey: string;
  /** Output of each process of an app so far (for diagnostics). */
  output(app: StackApp): string;
  /** A worker's metrics/health port (its first process's), as it logged when ready. */
  opsPort(app: StackWorker): number;
  /** Process ids of an app's processes (one per replica). */
  pids(app: StackApp): number[];
  /** SIGTERM to every process, waiting for each to exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface StackOptions {
  redisUrl: string;
  storageUrl: string;
  /** Extra environment for every process (TARGET_FPS, SHARD_SECONDS, …). */
  env?: Record<string, string>;
  /** Processes per worker kind (default 1 each): horizontal scaling on one machine. */
  replicas?: Partial<Record<StackWorker, number>>;
  apiKey?: string;
  /** Called with each line a process prints. */
  onLine?: (app: StackApp, line: string) => void;
  startTimeoutMs?: number;
}

interface Proc {
  app: StackApp;
  child: ChildProcess;
  output: string;
  opsPort?: number;
}

/**
 * The API and the three workers as child processes — the same entry points production runs — on
 * one Redis and one store, each waiting until it has logged that it is ready.
 */
export async function startOrionStack(opts: StackOptions): Promise<OrionStack> {
  const apiKey = opts.apiKey ?? 'local-demo-key-0123456789';
  const port = await freePort();
  const root = projectRoot();
  const timeoutMs = opts.startTimeoutMs ?? 120_000;
  const procs: Proc[] = [];
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
      procs.map(
        ({ child }) =>
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
  const launch = (app: StackApp) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--conditions=orion-source', '--import', 'tsx', `${root}/apps/${app}/src/main.ts`],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const proc: Proc = { app, child, output: '' };
      procs.push(proc);
      const timer = setTimeout(
        () => reject(new Error(`${app} did not start within ${timeoutMs} ms:\n${proc.output}`)),
        timeoutMs,
      );
      let pending = '';
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        proc.output = (proc.output + text).slice(-20_000);
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          opts.onLine?.(app, line);
          if (line.includes(`${app} ready`)) {
            const ops = /"opsPort":(\d+)/.exec(line)?.[1];
            if (ops) proc.opsPort = Number(ops);
            clearTimeout(timer);
            resolve();
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${app} exited with code ${code} while starting:\n${proc.output}`));
      });
    });
  try {
    await Promise.all(
      STACK_APPS.flatMap((app) => {
        const count = app === 'api' ? 1 : (opts.replicas?.[app] ?? 1);
        if (!Number.isInteger(count) || count < 1) throw new RangeError(`replicas of ${app} must be ≥ 1`);
        return Array.from({ length: count }, () => launch(app));
      }),
    );
  } catch (err) {
    await stop(5_000);
    throw err;
  }
  const of = (app: StackApp) => procs.filter((p) => p.app === app);
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    apiKey,
    output: (app) =>
      of(app)
        .map((p) => p.output)
        .join('\n'),
    opsPort: (app) => {
      const p = of(app)[0]?.opsPort;
      if (p === undefined) throw new Error(`${app} logged no ops port`);
      return p;
    },
    pids: (app) => of(app).map((p) => p.child.pid!),
    stop,
  };
}
