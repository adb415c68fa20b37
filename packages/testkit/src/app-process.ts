import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '@orion/shared';

/** An app's process as `npm run dev` starts it, its output collected. */
export interface AppProcess {
  child: ReturnType<typeof spawnApp>;
  /** Its exit code. */
  exit: Promise<number | null>;
  /** Resolves once the output matches `pattern`; throws if the process exits or time runs out first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
}

const spawnApp = (app: string, env: Record<string, string>) =>
  spawn(
    process.execPath,
    ['--conditions=orion-source', '--import', 'tsx', join(projectRoot(), 'apps', app, 'src', 'main.ts')],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );

/** Runs `apps/<app>/src/main.ts` through tsx, with `env` over this process's environment. */
export function startAppProcess(app: string, env: Record<string, string>): AppProcess {
  const child = spawnApp(app, env);
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
