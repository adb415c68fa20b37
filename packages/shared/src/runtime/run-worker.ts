import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker as Thread, type MessagePort } from 'node:worker_threads';
import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig, type OrionConfig } from '../config/load-config.js';
import { createLogger, jobLogger, type Logger } from '../logger/logger.js';
import type { QueueName } from '../queues/names.js';
import { parseJobData, type JobDataByQueue } from '../queues/payloads.js';
import { createObjectStore } from '../storage/create-object-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ServiceContext } from './service-context.js';
import { onShutdown } from './shutdown.js';

/*
 * A BullMQ worker whose jobs run in worker threads. CPU-bound work (ONNX Runtime runs synchronously)
 * would otherwise block the event loop that renews job locks, and a healthy long job would be
 * declared stalled and run twice. The main thread only talks to Redis; each thread loads its models
 * once (at startup, so a bad model fails the process before it takes any job) and runs one job at a
 * time.
 *
 * Main thread:  startWorker / runWorker  (BullMQ Worker + JobThreadPool)
 * Each thread:  a module whose default export is defineJobProcessor({...})
 */

// ---------------------------------------------------------------------------------------------
// Messages between the main thread and the job threads

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

interface ThreadJob {
  id: string;
  name: string;
  attemptsMade: number;
  data: unknown;
}

type ToThread = { type: 'run'; job: ThreadJob } | { type: 'stop' };
type FromThread =
  | { type: 'ready' }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'progress'; value: number | object }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: SerializedError }
  | { type: 'stopped' };

function serializeError(err: unknown): SerializedError {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, stack: e.stack };
}

/** Rebuilds an error in the main thread; BullMQ recognises UnrecoverableError by its name. */
function deserializeError(s: SerializedError): Error {
  const err = new Error(s.message);
  err.name = s.name;
  if (s.stack) err.stack = s.stack;
  return err;
}

// ---------------------------------------------------------------------------------------------
// Thread side

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
  /** Called by the thread bootstrap: runs init, then jobs as the main thread sends them. */
  serve(port: MessagePort): Promise<void>;
}

/** The default export of a job processor module (see startWorker). */
export function defineJobProcessor<Q extends QueueName, S, R>(
  def: JobProcessorDefinition<Q, S, R>,
): JobProcessor<Q, S, R> {
  return { ...def, serve: (port) => serveJobs(def, port) };
}

async function serveJobs<Q extends QueueName, S, R>(
  def: JobProcessorDefinition<Q, S, R>,
  port: MessagePort,
): Promise<void> {
  const post = (msg: FromThread) => port.postMessage(msg);
  let ctx: ProcessorContext;
  let state: S;
  try {
    const config = loadConfig();
    ctx = {
      config,
      logger: createLogger({ name: def.name, level: config.logLevel }),
      store: createObjectStore(config),
    };
    state = await def.init(ctx);
  } catch (err) {
    post({ type: 'init-failed', error: serializeError(err) });
    return;
  }
  port.on('message', (msg: ToThread) => {
    if (msg.type === 'stop') {
      void (async () => {
        try {
          await def.close?.(state);
          await ctx.store.close();
        } catch (err) {
          ctx.logger.warn({ err }, 'job thread did not close cleanly');
        } finally {
          post({ type: 'stopped' });
          port.close();
        }
      })();
      return;
    }
    const { job } = msg;
    const raw = job.data as { videoId?: unknown; shard?: { index?: unknown } } | undefined;
    const logger = jobLogger(ctx.logger, {
      queue: def.queue,
      jobId: job.id,
      videoId: typeof raw?.videoId === 'string' ? raw.videoId : '?',
      shardIndex: typeof raw?.shard?.index === 'number' ? raw.shard.index : undefined,
    });
    void (async () => {
      try {
        // Bad job data is a bug upstream: retrying cannot help, so fail for good.
        let data: JobDataByQueue[Q];
        try {
          data = parseJobData(def.queue, job.data);
        } catch (err) {
          throw Object.assign(new Error((err as Error).message), { name: 'UnrecoverableError' });
        }
        const result = await def.process(
          {
            id: job.id,
            name: job.name,
            attemptsMade: job.attemptsMade,
            data,
            logger,
            updateProgress: (value) => post({ type: 'progress', value }),
          },
          state,
          ctx,
        );
        post({ type: 'done', result });
      } catch (err) {
        post({ type: 'failed', error: serializeError(err) });
      }
    })();
  });
  post({ type: 'ready' });
}

// ---------------------------------------------------------------------------------------------
// Main side: the thread pool

// Runs in each new thread. TypeScript processors (development, tests) need tsx's loader, which Node 20
// does not carry into worker threads, so the bootstrap registers it before importing the processor.
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  const mod = await import(workerData.processor);
  const processor = mod.default;
  if (!processor || typeof processor.serve !== 'function') {
    throw new Error(workerData.processor + ' has no default export made with defineJobProcessor()');
  }
  await processor.serve(parentPort);
})().catch((err) => {
  parentPort.postMessage({ type: 'init-failed', error: { name: err.name, message: err.message, stack: err.stack } });
});
`;

/** A job thread failed to start (its init threw: bad model, bad config …). */
export class WorkerStartupError extends Error {
  readonly code = 'ERR_WORKER_STARTUP';
  constructor(cause: SerializedError) {
    super(cause.message);
    this.name = cause.name === 'Error' ? 'WorkerStartupError' : cause.name;
    if (cause.stack) this.stack = cause.stack;
  }
}

interface PooledThread {
  thread: Thread;
  busy: boolean;
}

function threadOptions(processor: URL) {
  const isTs = processor.pathname.endsWith('.ts');
  // Only resolution conditions matter to the threads; other flags of the parent may not be allowed there.
  const execArgv: string[] = [];
  process.execArgv.forEach((arg, i) => {
    if (arg.startsWith('--conditions=')) execArgv.push(arg);
    else if ((arg === '--conditions' || arg === '-C') && process.execArgv[i + 1]) {
      execArgv.push(`--conditions=${process.execArgv[i + 1]}`);
    }
  });
  if (isTs && !execArgv.some((a) => a.includes('orion-source'))) execArgv.push('--conditions=orion-source');
  return { execArgv, tsxApi: isTs ? tsxEsmApi() : undefined };
}

/** URL of tsx's ESM `register()` module (its `import` export; require() would give the CJS build). */
function tsxEsmApi(): string {
  const pkgJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const entry = pkg.exports['./esm/api']?.import?.default;
  if (!entry) throw new Error(`${pkgJson} has no ESM ./esm/api export; cannot run TypeScript job processors`);
  return pathToFileURL(join(dirname(pkgJson), entry)).href;
}

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
    const { execArgv, tsxApi } = threadOptions(this.opts.processor);
    const thread = new Thread(BOOTSTRAP, {
      eval: true,
      execArgv,
      env: { ...process.env, ...this.opts.env },
      workerData: { processor: this.opts.processor.href, tsxApi },
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

  /** Runs one BullMQ job in a free thread, forwarding its progress; resolves with its result. */
  async run(job: Job, onProgress: (value: number | object) => Promise<void>): Promise<unknown> {
    const pooled = await this.acquire();
    const { thread } = pooled;
    try {
      return await new Promise((resolve, reject) => {
        const onMessage = (msg: FromThread) => {
          if (msg.type === 'progress') {
            onProgress(msg.value).catch((err: unknown) =>
              this.opts.logger.warn({ err, jobId: job.id }, 'could not record progress'),
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

// ---------------------------------------------------------------------------------------------
// Main side: the BullMQ worker

export interface StartWorkerOptions<Q extends QueueName> {
  queue: Q;
  /** Module whose default export is `defineJobProcessor(...)` (a .ts file runs through tsx). */
  processor: URL;
  /** Jobs in parallel: one thread each. */
  concurrency: number;
  connection: Redis;
  prefix: string;
  logger: Logger;
  /** Variables set for the threads over this process's environment (their config comes from it). */
  env?: NodeJS.ProcessEnv;
  /** Extra BullMQ worker options (lock duration, stalled interval …). */
  workerOptions?: Partial<WorkerOptions>;
}

export interface RunningWorker {
  worker: Worker;
  /** Stops taking jobs, waits for the running ones to finish, then ends the threads. */
  close(): Promise<void>;
}

/** Starts the job threads (failing if any cannot initialise), then the BullMQ worker. */
export async function startWorker<Q extends QueueName>(opts: StartWorkerOptions<Q>): Promise<RunningWorker> {
  const { queue, logger } = opts;
  const pool = new JobThreadPool({
    processor: opts.processor,
    size: opts.concurrency,
    logger,
    env: opts.env,
  });
  await pool.start();
  const worker = new Worker(queue, (job: Job) => pool.run(job, (value) => job.updateProgress(value)), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    // Recorded on every job it processes (`processedBy`): which process ran what, across machines.
    name: `${hostname()}:${process.pid}`,
    ...opts.workerOptions,
  });
  const jobFields = (job: Job | undefined) => ({
    queue,
    jobId: job?.id,
    videoId: (job?.data as { videoId?: string } | undefined)?.videoId,
  });
  worker.on('active', (job) =>
    logger.info({ ...jobFields(job), attempt: job.attemptsMade + 1 }, 'job started'),
  );
  worker.on('completed', (job, result: unknown) =>
    logger.info({ ...jobFields(job), result }, 'job completed'),
  );
  worker.on('failed', (job, err) => {
    const attempts = job?.opts.attempts ?? 1;
    const retry = job !== undefined && job.attemptsMade < attempts && err.name !== 'UnrecoverableError';
    logger.error({ ...jobFields(job), attempt: job?.attemptsMade, err: err.message, retry }, 'job failed');
  });
  worker.on('stalled', (jobId) => logger.warn({ queue, jobId }, 'job stalled'));
  worker.on('error', (err) => logger.error({ queue, err: err.message }, 'worker error'));
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}

export interface RunningServiceWorker extends RunningWorker {
  /** Adds a step to the shutdown, run after the jobs have finished and before Redis is closed. */
  atShutdown(step: () => Promise<void>): void;
}

/**
 * For a worker process's entry point: starts the worker on the service's Redis and queue prefix, and
 * on SIGTERM/SIGINT finishes the running jobs before closing everything and exiting.
 */
export async function runWorker<Q extends QueueName>(
  ctx: ServiceContext,
  opts: Omit<StartWorkerOptions<Q>, 'connection' | 'prefix' | 'logger'>,
): Promise<RunningServiceWorker> {
  const running = await startWorker({
    ...opts,
    connection: ctx.redis,
    prefix: ctx.config.redis.queuePrefix,
    logger: ctx.logger,
  });
  const steps: (() => Promise<void>)[] = [];
  onShutdown(ctx.logger, async () => {
    await running.close();
    for (const step of steps) await step();
    await ctx.close();
  });
  return { ...running, atShutdown: (step) => steps.push(step) };
}
