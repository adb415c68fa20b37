import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName } from '@orion/shared';
import { fileForm, makeUploadMedia, type UploadMedia } from '@orion/testkit';
import { CallbackUrlPolicy } from '../src/services/callback-url-policy.js';
import { startCallbackWorker } from '../src/workers/callback-worker.js';
import { startApi, type ApiHarness } from './harness.js';

// Deliveries on a real queue to real receivers on 127.0.0.1: the URL checked again at delivery,
// redirects never followed, and a hung receiver holding only its own share of the slots.

let api: ApiHarness;
let media: UploadMedia;
let videoId: string;
const servers: Server[] = [];

/** A receiver on 127.0.0.1 that records what it gets and answers with `handle`. */
async function receiver(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const hits: { url: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { hits, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const allowLoopback = new CallbackUrlPolicy({ allowHttp: true, allowHosts: ['127.0.0.1'] });

function worker(opts: { policy?: CallbackUrlPolicy; timeoutMs?: number } = {}): Worker {
  const { deps } = api;
  return startCallbackWorker({
    redisUrl: api.redisUrl,
    queues: deps.queues,
    videos: deps.videos,
    tenants: deps.tenants,
    logger: deps.logger,
    policy: opts.policy ?? allowLoopback,
    maxPerHost: 2,
    timeoutMs: opts.timeoutMs ?? 5_000,
  });
}

let jobs = 0;
function enqueue(url: string): Promise<Job> {
  return api.deps.queues.queues[QueueName.callbacks].add(
    'callback',
    { videoId, tenantId: 'acme', url, event: 'video.completed' },
    { jobId: `test-${++jobs}` },
  );
}

/** The job once its first attempt has ended (or it completed). */
async function firstOutcome(job: Job) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await api.deps.queues.queues[QueueName.callbacks].getJob(job.id!);
    if (now && (now.attemptsMade > 0 || now.finishedOn)) return now;
    if (Date.now() > deadline) throw new Error(`callback job ${job.id} never ran`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  [api, media] = await Promise.all([
    startApi({ env: { CALLBACK_ALLOW_HTTP: 'true', CALLBACK_ALLOW_HOSTS: '127.0.0.1' } }),
    makeUploadMedia(),
  ]);
  const form = await fileForm([{ path: media.short, name: 'short.mp4' }], {
    callbackUrl: 'http://127.0.0.1:9/hook',
  });
  const res = await api.request('/v1/videos', { method: 'POST', body: form });
  expect(res.status).toBe(202);
  videoId = (await res.json()).videos[0].id;
});

afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await api?.close();
  await media?.cleanup();
});

describe('callback delivery', () => {
  it('delivers to an allowed receiver, signed', async () => {
    const ok = await receiver((_req, res) => res.writeHead(204).end());
    const w = worker();
    try {
      const done = await firstOutcome(await enqueue(`${ok.base}/hook`));
      expect(done.returnvalue).toEqual({ status: 204 });
      expect(ok.hits).toHaveLength(1);
      expect(ok.hits[0]!.headers['x-orion-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    } finally {
      await w.close();
    }
  });

  it('connects to the address it checked, with no second DNS lookup', async () => {
    const ok = await receiver((_req, res) => res.writeHead(204).end());
    const port = new URL(ok.base).port;
    // Only the policy's resolver knows this name: a second lookup by the client would fail.
    const policy = new CallbackUrlPolicy({ allowHttp: true, allowHosts: ['127.0.0.1'] }, async (host) =>
      host === 'hooks.orion-test.invalid' ? [{ address: '127.0.0.1', family: 4 }] : [],
    );
    const w = worker({ policy });
    try {
      const done = await firstOutcome(await enqueue(`http://hooks.orion-test.invalid:${port}/hook`));
      expect(done.returnvalue).toEqual({ status: 204 });
      expect(ok.hits[0]!.headers.host).toBe(`hooks.orion-test.invalid:${port}`);
    } finally {
      await w.close();
    }
  });

  it('checks the URL again at delivery: a refused address fails for good, unsent', async () => {
    const target = await receiver((_req, res) => res.writeHead(204).end());
    // Accepted at submit; by delivery the operator's allowlist no longer covers it.
    const w = worker({ policy: new CallbackUrlPolicy({ allowHttp: true, allowHosts: [] }) });
    try {
      const job = await firstOutcome(await enqueue(`${target.base}/hook`));
      expect(job.failedReason).toMatch(/refused: points to a loopback address \(127\.0\.0\.1\)/);
      expect(await job.getState()).toBe('failed'); // not retried, though 8 attempts are allowed
      expect(job.attemptsMade).toBe(1);
      expect(target.hits).toHaveLength(0);
    } finally {
      await w.close();
    }
  });

  it('follows no redirect: 302 and 307 are failed deliveries, the target never hears of them', async () => {
    const target = await receiver((_req, res) => res.writeHead(204).end());
    const redirecting = await receiver((req, res) =>
      res.writeHead(req.url === '/302' ? 302 : 307, { location: `${target.base}/stolen` }).end(),
    );
    const w = worker();
    try {
      for (const code of [302, 307]) {
        const job = await firstOutcome(await enqueue(`${redirecting.base}/${code}`));
        expect(job.failedReason).toContain(`answered ${code}`);
        expect(await job.getState()).toBe('delayed'); // retried like any other non-2xx
      }
      expect(redirecting.hits.map((h) => h.url)).toEqual(['/302', '/307']);
      expect(target.hits).toHaveLength(0);
    } finally {
      await w.close();
    }
  });

  it('a hung receiver holds only its share of the slots: others are delivered meanwhile', async () => {
    const hung = await receiver(() => undefined); // reads the request, never answers
    const ok = await receiver((_req, res) => res.writeHead(204).end());
    const w = worker({ timeoutMs: 30_000 });
    try {
      // More hung deliveries than the worker has slots (8), then one to a healthy receiver.
      for (let i = 0; i < 10; i++) await enqueue(`${hung.base}/hook-${i}`);
      const started = Date.now();
      const done = await firstOutcome(await enqueue(`${ok.base}/hook`));
      expect(done.returnvalue).toEqual({ status: 204 });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(hung.hits.length).toBe(2); // CALLBACK_MAX_PER_HOST at once
    } finally {
      hung.server.closeAllConnections(); // lets the held deliveries fail so the worker can close
      await w.close();
    }
  });
});
