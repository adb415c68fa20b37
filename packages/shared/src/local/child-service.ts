import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { waitForPort } from './ports.js';

/** A server we started ourselves, stopped by pid. */
export interface RunningService {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  name: string;
  command: string;
  args: string[];
  port: number;
  /** Removed after the process has exited. */
  workDir?: string;
  spawnOptions?: SpawnOptions;
  startTimeoutMs?: number;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Spawns a server, waits until it listens on its port, and returns a handle that stops it by pid. */
export async function startService(opts: StartServiceOptions): Promise<RunningService> {
  const child = spawn(opts.command, opts.args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts.spawnOptions });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) =>
      reject(new Error(`Cannot start ${opts.name} (${opts.command}): ${err.message}`)),
    ),
  );
  const cleanup = async () => {
    if (opts.workDir) await rm(opts.workDir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      waitForPort(opts.port, opts.startTimeoutMs ?? 20_000, () => child.exitCode === null),
      spawnError,
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    await exited(child);
    await cleanup();
    throw new Error(`${(err as Error).message}\n--- ${opts.name} output ---\n${output}`, { cause: err });
  }
  const pid = child.pid!;
  return {
    pid,
    port: opts.port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited(child);
        clearTimeout(timer);
      }
      await cleanup();
    },
  };
}
