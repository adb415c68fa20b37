import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '@orion/shared';

export interface SupervisedAppOptions {
  /** `apps/<app>/src/main.ts` is run. */
  app: string;
  /** Shown in front of its log lines: `detect-worker`, `detect-worker.2`. */
  label: string;
  env: NodeJS.ProcessEnv;
  /** Each line it prints, and each line the supervisor says about it. */
  log: (label: string, line: string) => void;
  startTimeoutMs?: number;
  /** First restart delay; doubles on each crash in a row up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** A run that lasted this long counts as healthy: the next crash starts the backoff over. */
const HEALTHY_RUN_MS = 60_000;

/**
 * One process of an app, as production runs it, in its own process group (a terminal's Ctrl-C reaches
 * only `npm start`, which stops every group in order). It is restarted with exponential backoff when
 * it dies on its own, and says so in the log.
 */
export class SupervisedApp {
  private child: ChildProcess | undefined;
  private stopping = false;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly opts: SupervisedAppOptions) {
    this.backoffMs = opts.backoffMs ?? 1_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts it and resolves with its ready line; rejects if it exits or stays silent first (a bad
   * setting must stop `npm start`, not loop).
   */
  start(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timeoutMs = this.opts.startTimeoutMs ?? 180_000;
      const child = this.launch((line) => {
        clearTimeout(timer);
        resolve(line);
      });
      const timer = setTimeout(
        () => reject(new Error(`${this.opts.label} did not get ready within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.opts.label} exited while starting (${describeExit(code, signal)})`));
      });
    });
  }

  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private launch(onReady: (line: string) => void, first = true): ChildProcess {
    const { app, label, log } = this.opts;
    const child = spawn(
      process.execPath,
      ['--conditions=orion-source', '--import', 'tsx', join(projectRoot(), 'apps', app, 'src', 'main.ts')],
      { env: this.opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    this.child = child;
    const startedAt = Date.now();
    let ready = false;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        log(label, line);
        if (!ready && line.includes(`${app} ready`)) {
          ready = true;
          onReady(line);
        }
      });
    }
    log(label, `started (pid ${child.pid})`);
    child.once('exit', (code, signal) => {
      // Stopping: expected. First start not ready: start() rejects and `npm start` stops.
      if (this.stopping || (first && !ready)) return;
      if (Date.now() - startedAt >= HEALTHY_RUN_MS) this.crashes = 0;
      const delay = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** this.crashes);
      this.crashes += 1;
      log(
        label,
        `pid ${child.pid} exited${ready ? '' : ' before it was ready'} (${describeExit(code, signal)}); restarting in ${(delay / 1000).toFixed(1)} s (crash ${this.crashes} in a row)`,
      );
      this.restartTimer = setTimeout(() => {
        if (this.stopping) return;
        const next = this.launch(() => log(label, `restarted (pid ${next.pid})`), false);
      }, delay);
    });
    return child;
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal); // the group is gone; the process itself may not be
  }
}
