/** Worker-thread entry: clusters the transferred points and transfers the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { clusterCheckedMatrix } from '../cluster-here.js';
import { resultBuffers, type WorkerReply, type WorkerRequest } from './messages.js';

const port = parentPort;
if (!port) throw new Error('hdbscan-worker must run as a worker thread');

const request = workerData as WorkerRequest;
let reply: WorkerReply;
let transfer: ArrayBuffer[] = [];
try {
  // Points and options were checked by hdbscan() before the worker started.
  const matrix = { data: request.data, rows: request.rows, cols: request.cols };
  const result = await clusterCheckedMatrix(matrix, request.options, true);
  reply = { ok: true, result };
  transfer = resultBuffers(result);
} catch (err) {
  const error = err instanceof Error ? err : new Error(String(err));
  reply = { ok: false, error: { name: error.name, message: error.message, stack: error.stack } };
}
port.postMessage(reply, transfer);
