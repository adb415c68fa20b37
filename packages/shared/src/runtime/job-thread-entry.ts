import { parentPort, workerData } from 'node:worker_threads';
import type { JobProcessor } from './job-processor.js';
import { serializeError, type FromThread } from './thread-messages.js';

/*
 * Entry module of every job thread (started by JobThreadPool): loads the processor module named in
 * workerData and serves jobs with it. A processor that cannot load reports why, as a failed init.
 */

const port = parentPort;
if (!port) throw new Error('job-thread-entry must run as a worker thread');
const { processor: url } = workerData as { processor: string };

try {
  const processor = ((await import(url)) as { default?: Partial<JobProcessor<never, unknown, unknown>> })
    .default;
  if (typeof processor?.serve !== 'function') {
    throw new Error(`${url} has no default export made with defineJobProcessor()`);
  }
  await processor.serve(port);
} catch (err) {
  port.postMessage({ type: 'init-failed', error: serializeError(err) } satisfies FromThread);
}
