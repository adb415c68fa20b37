import type { Worker as Thread } from 'node:worker_threads';
import { resolutionConditions, siblingModule, startThread } from '@orion/threads';
import type { Job } from 'bullmq';
import type { Logger } from '../logger/logger.js';
import { deserializeError, type FromThread, type ToThread } from './thread-messages.js';
import { WorkerStartupError } from './worker-startup-error.js';

interface PooledThread {
  thread: Thread;
  busy: boolean;
}

const threadEntry = siblingModule(import.meta.url, './job-thread-entry');

/** `size` threads running one processor module, each handed one job at a time. */
export class JobThreadPool {
  private readonly threads = new Set<PooledThread>();
  private readonly waiting: ((t: PooledThread) => void)[] = [];
  private closing = false;

  constructor(
    private readonly opts: { processor: URL; size: number; logger: Logger; env?: NodeJS.ProcessEnv },
  ) {}

  /** Starts every thread and waits until each has initialised; rejects with the first init error. */
  async start(): Promise<void> {
    const started = await Promise.allSettled(Array.from({ length: this.opts.size }, () => this.spawn()));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.close();
      throw failed.reason;
    }
  }

  private spawn(): Promise<PooledThread> {
    const thread = startThread(threadEntry, {
      // The processor's imports resolve as the entry's; a .ts processor needs the sources' condition too.
      execArgv: resolutionConditions(this.opts.processor),
      env: { ...process.env, ...this.opts.env },
      workerData: { processor: this.opts.processor.href },
    });
    return new Promise((resolve, reject) => {
      const onMessage = (msg: FromThread) => {
        if (msg.type === 'ready') {
          cleanup();
          const pooled = { thread, busy: false };
          this.threads.add(pooled);
          thread.once('exit', (code) => this.onExit(pooled, code));
          this.release(pooled);
          resolve(pooled);
        } else if (msg.type === 'init-failed') {
          cleanup();
          void thread.terminate();
          reject(new WorkerStartupError(msg.error));
        }
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`job thread exited with code ${code} before it was ready`));
      };
      const cleanup = () => {
        thread.off('message', onMessage);
        thread.off('error', onError);
        thread.off('exit', onExit);
      };
      thread.on('message', onMessage);
      thread.on('error', onError);
      thread.on('exit', onExit);
    });
  }

  /** A thread that died (native crash, out of memory) is replaced so capacity stays the same. */
  private onExit(pooled: PooledThread, code: number): void {
    this.threads.delete(pooled);
    if (this.closing) return;
    this.opts.logger.error({ code }, 'a job thread exited unexpectedly; starting a new one');
    this.spawn().catch((err: unknown) =>
      this.opts.logger.error({ err }, 'could not replace the job thread; capacity is reduced'),
    );
  }

  private release(pooled: PooledThread): void {
    pooled.busy = false;
    const next = this.waiting.shift();
    if (next) {
      pooled.busy = true;
      next(pooled);
    }
  }

  private acquire(): Promise<PooledThread> {
    for (const t of this.threads) {
      if (!t.busy) {
        t.busy = true;
        return Promise.resolve(t);
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * Runs one BullMQ job in a free thread, forwarding its progress and answering whether its video was
   * deleted; resolves with its result.
   */
  async run(
    job: Job,
    hooks: { onProgress(value: number | object): Promise<void>; isDeleted(): Promise<boolean> },
  ): Promise<unknown> {
    const pooled = await this.acquire();
    const { thread } = pooled;
    try {
      return await new Promise((resolve, reject) => {
        const onMessage = (msg: FromThread) => {
          if (msg.type === 'progress') {
            hooks
              .onProgress(msg.value)
              .catch((err: unknown) =>
                this.opts.logger.warn({ err, jobId: job.id }, 'could not record progress'),
              );
          } else if (msg.type === 'is-deleted') {
            // Unanswerable (Redis down): go on; the sweep removes whatever the job then writes.
            void hooks
              .isDeleted()
              .catch((err: unknown) => {
                this.opts.logger.warn(
                  { err, jobId: job.id },
                  'could not check whether the video was deleted',
                );
                return false;
              })
              .then((deleted) =>
                thread.postMessage({ type: 'deleted', requestId: msg.requestId, deleted } satisfies ToThread),
              );
          } else if (msg.type === 'done') {
            cleanup();
            resolve(msg.result);
          } else if (msg.type === 'failed') {
            cleanup();
            reject(deserializeError(msg.error));
          }
        };
        const onExit = (code: number) => {
          cleanup();
          reject(new Error(`the job thread exited (code ${code}) while processing the job`));
        };
        const cleanup = () => {
          thread.off('message', onMessage);
          thread.off('exit', onExit);
        };
        thread.on('message', onMessage);
        thread.on('exit', onExit);
        const msg: ToThread = {
          type: 'run',
          job: { id: job.id ?? '', name: job.name, attemptsMade: job.attemptsMade, data: job.data },
        };
        thread.postMessage(msg);
      });
    } finally {
      if (this.threads.has(pooled)) this.release(pooled);
    }
  }

  /** Lets each thread release its resources, then ends it. Call after the jobs have finished. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.threads].map(async ({ thread }) => {
        const stopped = new Promise<void>((resolve) => {
          thread.on('message', (m: FromThread) => m.type === 'stopped' && resolve());
          thread.once('exit', () => resolve());
        });
        thread.postMessage({ type: 'stop' } satisfies ToThread);
        await Promise.race([stopped, new Promise((r) => setTimeout(r, 5_000).unref())]);
        await thread.terminate();
      }),
    );
    this.threads.clear();
  }
}
