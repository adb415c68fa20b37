import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { processCpu, totalCpuMs } from '../lib/process-cpu.js';

/** A child that keeps one core busy for about `ms` milliseconds, then exits. */
const busyChild = (ms: number) =>
  spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end) {}`]);

describe('processCpu', () => {
  it("counts this process's own CPU time as it works", () => {
    const before = processCpu('self').selfMs;
    const end = performance.now() + 300;
    while (performance.now() < end) Math.sqrt(Math.random());
    // A busy loop of 300 ms wall is at least some CPU (the machine may be shared: no upper claim).
    expect(processCpu('self').selfMs - before).toBeGreaterThanOrEqual(50);
  });

  it("reads another process's CPU time by pid, and a waited-for child's in its parent's children", async () => {
    const before = processCpu('self').childrenMs;
    const child = busyChild(600);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const running = totalCpuMs(child.pid!);
    expect(running).toBeGreaterThan(0);
    await once(child, 'exit');
    expect(processCpu('self').childrenMs - before).toBeGreaterThanOrEqual(running);
  });

  it('fails for a process that does not exist', () => {
    expect(() => processCpu(2 ** 22 + 1)).toThrow(/ENOENT/);
  });
});
