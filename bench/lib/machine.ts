import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineDescription {
  cpuModel: string;
  /** Logical CPUs the process may use. */
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  onnxruntime: string;
  ffmpeg: string;
  /** GPUs nvidia-smi lists (empty without one). */
  gpus: string[];
  /** 1-minute load average when the benchmark started: other work on a shared machine shows here. */
  loadAverage: number;
}

/** The non-empty lines a command prints; none when it is missing or fails. */
function outputLines(cmd: string, args: string[]): string[] {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

function onnxruntimeVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('onnxruntime-node/package.json', {
    paths: [new URL('../../apps/detect-worker/', import.meta.url).pathname],
  });
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

export function describeMachine(): MachineDescription {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    onnxruntime: onnxruntimeVersion(),
    ffmpeg: outputLines('ffmpeg', ['-version'])[0]?.replace(/ Copyright.*/, '') ?? 'missing',
    gpus: outputLines('nvidia-smi', [
      '--query-gpu=name,memory.total,driver_version',
      '--format=csv,noheader',
    ]),
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}
