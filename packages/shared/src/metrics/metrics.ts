import type { Queue, Worker } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics every Orion process exposes (API on /metrics, workers on their ops port). */
export interface OrionMetrics {
  registry: Registry;
  /** Seconds from a worker taking a job to finishing it, per queue and outcome. */
  jobDuration: Histogram<'queue' | 'status'>;
  /** Attempts a job needed (1 = first try), per queue and outcome. */
  jobAttempts: Histogram<'queue' | 'status'>;
  /** Seconds per model run, per model and execution provider (the one that really ran). */
  inferenceSeconds: Histogram<'model' | 'provider'>;
  /** Frames decoded, crops embedded, … — `rate()` gives items per second. */
  itemsProcessed: Counter<'queue' | 'kind'>;
  storageErrors: Counter<'operation'>;
  redisErrors: Counter;
}

export function createMetrics(component: string): OrionMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry, prefix: 'orion_' });
  return {
    registry,
    jobDuration: new Histogram({
      name: 'orion_job_duration_seconds',
      help: 'Time from a worker taking a job to finishing it',
      labelNames: ['queue', 'status'],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers: [registry],
    }),
    jobAttempts: new Histogram({
      name: 'orion_job_attempts',
      help: 'Attempts a job needed',
      labelNames: ['queue', 'status'],
      buckets: [1, 2, 3, 5, 8],
      registers: [registry],
    }),
    inferenceSeconds: new Histogram({
      name: 'orion_inference_seconds',
      help: 'Duration of one model run (one batch)',
      labelNames: ['model', 'provider'],
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
      registers: [registry],
    }),
    itemsProcessed: new Counter({
      name: 'orion_items_processed_total',
      help: 'Frames, detections, crops … processed',
      labelNames: ['queue', 'kind'],
      registers: [registry],
    }),
    storageErrors: new Counter({
      name: 'orion_storage_errors_total',
      help: 'Object store operations that failed (missing objects excluded)',
      labelNames: ['operation'],
      registers: [registry],
    }),
    redisErrors: new Counter({
      name: 'orion_redis_errors_total',
      help: 'Redis connection errors',
      registers: [registry],
    }),
  };
}

const STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'waiting-children',
  'completed',
  'failed',
] as const;

/**
 * `orion_queue_jobs{queue,state}`, read from Redis when scraped. `waiting + prioritized` is the backlog
 * that autoscalers act on; it is also exported alone as `orion_queue_backlog`.
 */
export function observeQueues(metrics: OrionMetrics, queues: Queue[]): void {
  new Gauge({
    name: 'orion_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      for (const queue of queues) {
        const counts = await queue.getJobCounts(...STATES);
        for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'orion_queue_backlog',
    help: 'Jobs waiting for a worker (waiting + prioritized)',
    labelNames: ['queue'],
    registers: [metrics.registry],
    async collect() {
      for (const queue of queues) {
        const counts = await queue.getJobCounts('waiting', 'prioritized');
        this.set({ queue: queue.name }, (counts.waiting ?? 0) + (counts.prioritized ?? 0));
      }
    },
  });
}

/** Job duration and attempts from a worker's own events. */
export function instrumentWorker(metrics: OrionMetrics, worker: Worker): void {
  const observe = (
    status: 'completed' | 'failed',
    job: { processedOn?: number; finishedOn?: number; attemptsMade: number } | undefined,
  ) => {
    if (!job?.processedOn) return;
    const queue = worker.name;
    metrics.jobDuration.observe({ queue, status }, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
    metrics.jobAttempts.observe({ queue, status }, Math.max(1, job.attemptsMade));
  };
  worker.on('completed', (job) => observe('completed', job));
  worker.on('failed', (job) => observe('failed', job));
}
