import { readFileSync } from 'node:fs';

/** Resident memory of a process (Linux `/proc/<pid>/status`), in MiB. */
export function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}
