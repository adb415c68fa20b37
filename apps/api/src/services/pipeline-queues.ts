import { FlowProducer, Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, createQueue, type QueueName } from '@orion/shared';

/** The API's handles on every pipeline queue and the flow producer (producer side only). */
export class PipelineQueues {
  readonly queues: Record<QueueName, Queue>;
  readonly flows: FlowProducer;

  constructor(
    connection: Redis,
    readonly prefix: string,
  ) {
    this.queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, createQueue(name, { connection, prefix }) as unknown as Queue]),
    ) as Record<QueueName, Queue>;
    this.flows = new FlowProducer({ connection, prefix });
  }

  isQueueName(name: string): name is QueueName {
    return (QUEUE_NAMES as readonly string[]).includes(name);
  }

  job(name: QueueName, id: string): Promise<Job | undefined> {
    return Job.fromId(this.queues[name], id);
  }

  async close(): Promise<void> {
    await Promise.all([...Object.values(this.queues).map((q) => q.close()), this.flows.close()]);
  }
}
