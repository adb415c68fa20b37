import { QueueEvents } from 'bullmq';
import { redisConnectionOptions } from './redis-options.js';

interface Tally {
  active: number;
  completed: number;
  failed: number;
  stalled: number;
}

/**
 * Counts, from BullMQ's event stream, how often each job started, completed, failed or stalled. A
 * job that a second worker picked up (a stall, a lost lock) starts twice; a lost one never completes.
 */
export class JobStartCounter {
  private readonly tallies = new Map<string, Map<string, Tally>>();

  private constructor(private readonly events: QueueEvents[]) {}

  static async start(redisUrl: string, prefix: string, queues: string[]): Promise<JobStartCounter> {
    const events = queues.map(
      (name) => new QueueEvents(name, { connection: redisConnectionOptions(redisUrl), prefix }),
    );
    const counter = new JobStartCounter(events);
    events.forEach((ev, i) => {
      const tally = (jobId: string) => {
        const byJob =
          counter.tallies.get(queues[i]!) ?? counter.tallies.set(queues[i]!, new Map()).get(queues[i]!)!;
        return (
          byJob.get(jobId) ?? byJob.set(jobId, { active: 0, completed: 0, failed: 0, stalled: 0 }).get(jobId)!
        );
      };
      ev.on('active', ({ jobId }) => tally(jobId).active++);
      ev.on('completed', ({ jobId }) => tally(jobId).completed++);
      ev.on('failed', ({ jobId }) => tally(jobId).failed++);
      ev.on('stalled', ({ jobId }) => tally(jobId).stalled++);
    });
    await Promise.all(events.map((e) => e.waitUntilReady()));
    return counter;
  }

  /**
   * What broke "every expected job ran exactly once" for one video: jobs that never completed, started
   * or completed more than once, failed or stalled, and jobs of the video nobody expected.
   */
  problems(videoId: string, expected: Record<string, string[]>): string[] {
    const out: string[] = [];
    for (const [queue, ids] of Object.entries(expected)) {
      const byJob = this.tallies.get(queue) ?? new Map<string, Tally>();
      for (const id of ids) {
        const t = byJob.get(id);
        if (!t) out.push(`${queue} ${id}: never started`);
        else if (t.active !== 1 || t.completed !== 1 || t.failed || t.stalled) {
          out.push(
            `${queue} ${id}: started ${t.active}×, completed ${t.completed}×, failed ${t.failed}×, stalled ${t.stalled}×`,
          );
        }
      }
      const wanted = new Set(ids);
      for (const id of byJob.keys()) {
        if (id.startsWith(`${videoId}.`) && !wanted.has(id)) out.push(`${queue} ${id}: not expected`);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.events.map((e) => e.close()));
  }
}
