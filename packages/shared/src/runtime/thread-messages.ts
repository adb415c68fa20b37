import { UnrecoverableError } from 'bullmq';
import { InvalidJobDataError } from '../queues/payloads.js';

/*
 * What the main thread and a job thread say to each other. Errors cross as plain data and are
 * rebuilt on the main side, where BullMQ decides on retries.
 */

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Retrying cannot help: BullMQ should fail the job for good. */
  unrecoverable?: boolean;
}

/** The part of a BullMQ job a thread needs. */
export interface ThreadJob {
  id: string;
  name: string;
  attemptsMade: number;
  data: unknown;
}

export type ToThread =
  | { type: 'run'; job: ThreadJob }
  | { type: 'stop' }
  /** The answer to `is-deleted`. */
  | { type: 'deleted'; requestId: number; deleted: boolean };
export type FromThread =
  | { type: 'ready' }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'progress'; value: number | object }
  /** Has the running job's video been deleted? The main thread asks Redis (video-tombstone.ts). */
  | { type: 'is-deleted'; requestId: number }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: SerializedError }
  | { type: 'stopped' };

/** Bad job data is a bug upstream: like BullMQ's own signal, no retry can help. */
const isUnrecoverable = (err: Error) =>
  err instanceof UnrecoverableError || err instanceof InvalidJobDataError;

export function serializeError(err: unknown): SerializedError {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, stack: e.stack, unrecoverable: isUnrecoverable(e) || undefined };
}

/** Rebuilds a thread's error in the main thread: BullMQ's UnrecoverableError where retrying cannot help. */
export function deserializeError(s: SerializedError): Error {
  const err = s.unrecoverable ? new UnrecoverableError(s.message) : new Error(s.message);
  if (!s.unrecoverable) err.name = s.name;
  if (s.stack) err.stack = s.stack;
  return err;
}
