import { siblingModule, startThread } from '@orion/threads';
import { resolveOptions, type HdbscanOptions } from './options.js';
import { toPointMatrix, type Points } from './points.js';
import type { HdbscanResult } from './result.js';
import type { WorkerReply, WorkerRequest } from './worker/messages.js';

export interface RunOptions {
  /** Aborting terminates the worker and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * HDBSCAN* clustering of `points`, computed in a worker thread so the calling thread stays responsive.
 *
 * Options and points are checked here first (a bad value rejects with an error naming it); the points
 * are then copied once into a buffer handed over to the worker, and the result's arrays are handed back
 * without copying. See the package README for the semantics of every option and output.
 */
export async function hdbscan(
  points: Points,
  options: HdbscanOptions = {},
  run: RunOptions = {},
): Promise<HdbscanResult> {
  const resolved = resolveOptions(options);
  const matrix = toPointMatrix(points);
  run.signal?.throwIfAborted();
  // The worker gets its own buffer (it normalises or centres the points in place): a caller's matrix is
  // copied once; rows were just packed into a new matrix, which can be handed over as it is.
  const data = Array.isArray(points) ? matrix.data : matrix.data.slice();
  const request: WorkerRequest = { data, rows: matrix.rows, cols: matrix.cols, options: resolved };

  return new Promise<HdbscanResult>((resolve, reject) => {
    const worker = startThread(siblingModule(import.meta.url, './worker/hdbscan-worker'), {
      workerData: request,
      transferList: [data.buffer as ArrayBuffer],
    });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      run.signal?.removeEventListener('abort', onAbort);
      outcome();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(run.signal?.reason));
    run.signal?.addEventListener('abort', onAbort, { once: true });

    worker.once('message', (reply: WorkerReply) => {
      finish(() => {
        if (reply.ok) resolve(reply.result);
        else {
          const error = new Error(reply.error.message);
          error.name = reply.error.name;
          if (reply.error.stack) error.stack = reply.error.stack;
          reject(error);
        }
      });
    });
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) =>
      finish(() => reject(new Error(`The HDBSCAN worker exited (code ${code}) before answering`))),
    );
  });
}
