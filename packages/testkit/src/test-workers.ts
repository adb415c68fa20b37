import { randomUUID } from 'node:crypto';
import {
  createLogger,
  createQueue,
  createRedisConnection,
  startWorker,
  type QueueName,
  type RunningWorker,
  type JobProgress,
  type StartWorkerOptions,
} from '@orion/shared';

type TestQueue<Q extends QueueName> = ReturnType<typeof createQueue<Q>>;
type AddOptions = Parameters<TestQueue<QueueName>['add']>[2];
type FinishedJob = NonNullable<Awaited<ReturnType<TestQueue<QueueName>['getJob']>>>;

/** A worker on a queue prefix of its own, its progress reports and stalls recorded. */
export interface TestWorker<Q extends QueueName> {
  queue: TestQueue<Q>;
  running: RunningWorker;
  progress: JobProgress[];
  stalled: string[];
  /** Adds a job (any data: invalid data is a test case too) and resolves once it has completed or failed. */
  run(data: unknown, opts?: AddOptions): Promise<FinishedJob>;
  /** The job `id` once it has completed or failed. */
  settled(id: string): Promise<FinishedJob>;
}

/** The BullMQ workers of a test file on the test Redis: `close()` ends them, their queues and Redis. */
export class TestWorkers {
  readonly connection: ReturnType<typeof createRedisConnection>;
  private readonly logger: ReturnType<typeof createLogger>;
  private readonly workers: RunningWorker[] = [];
  private readonly queues: TestQueue<QueueName>[] = [];

  constructor(redisUrl: string, name: string) {
    this.connection = createRedisConnection(redisUrl, name);
    this.logger = createLogger({ name, level: 'silent' });
  }

  async start<Q extends QueueName>(
    opts: Omit<StartWorkerOptions<Q>, 'connection' | 'prefix' | 'logger'>,
  ): Promise<TestWorker<Q>> {
    const { connection, logger } = this;
    const prefix = `test-${randomUUID()}`;
    const queue = createQueue(opts.queue, { connection, prefix });
    this.queues.push(queue as TestQueue<QueueName>);
    const running = await startWorker({ ...opts, connection, prefix, logger });
    this.workers.push(running);
    const progress: JobProgress[] = [];
    const stalled: string[] = [];
    running.worker.on('progress', (_job, p) => progress.push(p as JobProgress));
    running.worker.on('stalled', (jobId) => stalled.push(jobId));
    const settled = async (id: string): Promise<FinishedJob> => {
      for (;;) {
        const state = await queue.getJobState(id);
        // Read the job after seeing it finished: a snapshot taken before could predate a retry.
        if (state === 'completed' || state === 'failed') return (await queue.getJob(id)) as FinishedJob;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // Jobs are named after their queue, as the flow names them.
    const run = async (data: unknown, jobOpts?: AddOptions) =>
      settled((await queue.add(opts.queue as never, data as never, jobOpts)).id!);
    return { queue, running, progress, stalled, run, settled };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    for (const q of this.queues) {
      await q.obliterate({ force: true });
      await q.close();
    }
    await this.connection.quit();
  }
}
