import type { JobProgress } from '@orion/shared';

/** Reports a shard's detected frames at most every `intervalMs`; the last report is always sent. */
export class ShardProgress {
  private lastReport = 0;

  constructor(
    private readonly expected: number,
    private readonly onProgress?: (progress: JobProgress) => void,
    private readonly intervalMs = 1000,
  ) {}

  report(frames: number, force = false): void {
    const now = performance.now();
    if (!this.onProgress || (!force && now - this.lastReport < this.intervalMs)) return;
    this.lastReport = now;
    const total = Math.max(this.expected, frames);
    this.onProgress({
      stage: 'detect',
      done: frames,
      total,
      percent: total ? Math.round((100 * frames) / total) : 100,
    });
  }
}
