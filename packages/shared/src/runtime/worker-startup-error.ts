import type { SerializedError } from './thread-messages.js';

/** A job thread failed to start (its init threw: bad model, bad config …). */
export class WorkerStartupError extends Error {
  readonly code = 'ERR_WORKER_STARTUP';
  constructor(cause: SerializedError) {
    super(cause.message);
    this.name = cause.name === 'Error' ? 'WorkerStartupError' : cause.name;
    if (cause.stack) this.stack = cause.stack;
  }
}
