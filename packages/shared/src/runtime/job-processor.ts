import type { MessagePort } from 'node:worker_threads';
import type { OrionConfig } from '../config/load-config.js';
import type { Logger } from '../logger/logger.js';
import type { QueueName } from '../queues/names.js';
import type { JobDataByQueue } from '../queues/payloads.js';
import type { ObjectStore } from '../storage/object-store.js';
import { serveJobs } from './serve-jobs.js';

/*
 * The thread side of a worker: a module whose default export is defineJobProcessor({...}). Each job
 * thread loads it, runs init once (models are loaded here, so a bad model fails the process before it
 * takes any job), then runs one job at a time as the main thread sends them.
 */

export interface ProcessorContext {
  config: OrionConfig;
  logger: Logger;
  store: ObjectStore;
}

export interface ThreadJobContext<Q extends QueueName> {
  id: string;
  name: string;
  attemptsMade: number;
  data: JobDataByQueue[Q];
  /** Carries queue, job id, video and shard on every line. */
  logger: Logger;
  /** Forwarded to BullMQ's `job.updateProgress` by the main thread. */
  updateProgress(value: number | object): void;
}

export interface JobProcessorDefinition<Q extends QueueName, S, R> {
  queue: Q;
  /** Logger name, e.g. `detect-worker`. */
  name: string;
  /** Runs once per thread before any job (load models here). */
  init(ctx: ProcessorContext): Promise<S>;
  process(job: ThreadJobContext<Q>, state: S, ctx: ProcessorContext): Promise<R>;
  close?(state: S): Promise<void>;
}

export interface JobProcessor<Q extends QueueName, S, R> extends JobProcessorDefinition<Q, S, R> {
  /** Called by the thread entry: runs init, then jobs as the main thread sends them. */
  serve(port: MessagePort): Promise<void>;
}

/** The default export of a job processor module (see startWorker). */
export function defineJobProcessor<Q extends QueueName, S, R>(
  def: JobProcessorDefinition<Q, S, R>,
): JobProcessor<Q, S, R> {
  return { ...def, serve: (port) => serveJobs(def, port) };
}
