import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '@orion/shared';

/** Variables a developer's shell may set that would point `npm start` or the CLI elsewhere. */
const OUTSIDE_SETTINGS = [
  'REDIS_URL',
  'STORAGE_URL',
  'ORION_API_URL',
  'ORION_API_KEY',
  'API_KEYS',
  'QUEUE_PREFIX',
];

/** `npm start`'s entry (scripts/start.ts) as a real child process on its own local folder. */
export class LocalStackProcess {
  readonly child: ChildProcess;
  private text = '';
  /** Every pid it reported starting: redis-server, the API, the workers (restarts included). */
  readonly pids = new Set<number>();

  constructor(env: Record<string, string>) {
    const base = { ...process.env };
    for (const name of OUTSIDE_SETTINGS) delete base[name];
    this.child = spawn(
      process.execPath,
      ['--conditions=orion-source', '--import', 'tsx', join(projectRoot(), 'scripts', 'start.ts')],
      { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      this.text += chunk.toString();
      for (const m of chunk.toString().matchAll(/\(pid (\d+)\)/g)) this.pids.add(Number(m[1]));
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
  }

  output(): string {
    return this.text;
  }

  /** Resolves with the first match once the output matches; throws if it exits or time runs out. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.text.match(pattern);
      if (m) return m;
      if (this.child.exitCode !== null) throw new Error(`npm start exited early:\n${this.text}`);
      if (Date.now() > deadline) throw new Error(`npm start never printed ${pattern}:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends `signal` and resolves with the exit code (SIGKILL after `timeoutMs`, then it throws). */
  async stop(signal: NodeJS.Signals, timeoutMs = 60_000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((r) => this.child.once('exit', (code) => r(code)));
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    if (this.child.signalCode === 'SIGKILL') throw new Error(`npm start did not stop within ${timeoutMs} ms`);
    return code;
  }

  /** Pids it started that are still alive. */
  alive(): number[] {
    return [...this.pids].filter(isAlive);
  }

  /** After a failed test: SIGKILL whatever it left. */
  killLeftovers() {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    for (const pid of this.alive()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
