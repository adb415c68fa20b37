/** What the pool reports about itself (metrics, tests, the bench). */
export interface ProbePoolStats {
  running: number;
  queued: number;
  /** Most tasks ever running at once: never above the concurrency. */
  peakRunning: number;
  completed: number;
}

interface Waiting {
  start: () => void;
}

/**
 * Runs probes (ffprobe children) at most `concurrency` at a time, serving tenants in turn and each
 * tenant's tasks first come, first served: one client's burst of 100 uploads waits behind itself, not
 * in front of another client's single upload. Bounding the children is what keeps the API responsive:
 * `spawn` blocks the event loop until the child has exec'd, which takes ~4 ms with 2 probes on 2 cores
 * and 40–150 ms each with 100 (measured, docs/operations.md "Upload bursts").
 */
export class ProbePool {
  private running = 0;
  private peakRunning = 0;
  private completed = 0;
  /** Tenants with waiting tasks, in the order they are served next (a Map keeps insertion order). */
  private readonly waiting = new Map<string, Waiting[]>();

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`probe concurrency must be a positive integer, got ${concurrency}`);
  }

  run<T>(tenantId: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        this.peakRunning = Math.max(this.peakRunning, this.running);
        // Counters settle before the caller hears back, so stats() never shows a finished task running.
        const settle = () => {
          this.running--;
          this.completed++;
          this.startNext();
        };
        Promise.resolve()
          .then(task)
          .then(
            (value) => {
              settle();
              resolve(value);
            },
            (err: unknown) => {
              settle();
              reject(err as Error);
            },
          );
      };
      const queue = this.waiting.get(tenantId);
      if (queue) queue.push({ start });
      else this.waiting.set(tenantId, [{ start }]);
      this.startNext();
    });
  }

  stats(): ProbePoolStats {
    let queued = 0;
    for (const q of this.waiting.values()) queued += q.length;
    return { running: this.running, queued, peakRunning: this.peakRunning, completed: this.completed };
  }

  /** Starts waiting tasks while there is room: the first tenant's oldest, then that tenant goes last. */
  private startNext(): void {
    while (this.running < this.concurrency && this.waiting.size > 0) {
      const [tenantId, queue] = this.waiting.entries().next().value as [string, Waiting[]];
      const next = queue.shift()!;
      this.waiting.delete(tenantId);
      if (queue.length > 0) this.waiting.set(tenantId, queue);
      next.start();
    }
  }
}
