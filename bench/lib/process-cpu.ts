import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (the unit of /proc/<pid>/stat's CPU times). */
function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}
let ticksPerSecond: number | undefined;

/** CPU time of one process, its own and its waited-for children's (ffmpeg), from /proc. */
export interface ProcessCpu {
  /** User + system time of the process's own threads (ms). */
  selfMs: number;
  /** User + system time of its children that have exited and been waited for (ms). */
  childrenMs: number;
}

/**
 * Reads /proc/<pid>/stat (Linux only). The command name may hold spaces and parentheses, so the
 * fields are counted from the last ')': utime, stime, cutime, cstime are fields 14–17.
 */
export function processCpu(pid: number | 'self'): ProcessCpu {
  ticksPerSecond ??= clockTicks();
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const tick = (n: number) => (Number(fields[n - 3]) * 1000) / ticksPerSecond!;
  return { selfMs: tick(14) + tick(15), childrenMs: tick(16) + tick(17) };
}

/** Own + children's CPU time of the process (ms). */
export const totalCpuMs = (pid: number | 'self'): number => {
  const c = processCpu(pid);
  return c.selfMs + c.childrenMs;
};
