import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fileForm, fixturePath, freePort, startAppProcess, tempDirs, type AppProcess } from '@orion/testkit';

// A real detect-worker process killed with SIGKILL in the middle of a job, twice on the same job:
// another worker takes the job over once its lock has expired (default settings: lock 10 s, stall
// check every 5 s, 3 stalls allowed), and the video still completes.

const KEY = 'crash-test-key-0123456789';
const PREFIX = `crash-${randomUUID().slice(0, 8)}`;
const dirs = tempDirs();
const procs: AppProcess[] = [];
let env: Record<string, string>;
let apiUrl: string;

interface LogLine {
  time: string;
  msg: string;
  jobId?: string;
  queue?: string;
}

const logLines = (proc: AppProcess): LogLine[] =>
  proc
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

const startedDetectJob = (proc: AppProcess, jobId?: string) =>
  logLines(proc).find(
    (l) => l.msg === 'job started' && l.queue === 'detect' && (jobId === undefined || l.jobId === jobId),
  );

async function until<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(app: string): AppProcess {
  const proc = startAppProcess(app, env);
  procs.push(proc);
  return proc;
}

async function startDetectWorker(): Promise<AppProcess> {
  const proc = start('detect-worker');
  await proc.waitFor(/detect-worker ready/, 90_000);
  return proc;
}

/** SIGKILL by pid: no shutdown, the job's lock is left to expire. Returns when it happened. */
async function kill(proc: AppProcess): Promise<number> {
  const at = Date.now();
  process.kill(proc.child.pid!, 'SIGKILL');
  await proc.exit;
  return at;
}

async function api(path: string, init: RequestInit = {}) {
  const res = await fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${KEY}`, ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const dir = await dirs.make('orion-crash-');
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  env = {
    LOG_LEVEL: 'info',
    REDIS_URL: inject('redisUrl'),
    STORAGE_URL: `file://${join(dir, 'data')}`,
    QUEUE_PREFIX: PREFIX,
    API_KEYS: `${KEY}=crash`,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    OPS_PORT: '0',
    // One shard of 400 frames: a detect job long enough to be killed in the middle.
    SHARD_SECONDS: '60',
    TARGET_FPS: '10',
    DETECT_CONCURRENCY: '1',
  };
  await Promise.all(
    ['api', 'embed-worker', 'cluster-worker'].map((app) =>
      start(app).waitFor(new RegExp(`${app} ready`), 90_000),
    ),
  );
}, 180_000);

afterAll(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exit));
  await dirs.cleanup();
});

describe('crash recovery', () => {
  it('completes a video whose detect job lost its worker twice', async () => {
    const first = await startDetectWorker();
    const submit = await api('/v1/videos', {
      method: 'POST',
      body: await fileForm([
        { path: fixturePath('videos', 'intel_bottle-detection.mp4'), name: 'bottles.mp4' },
      ]),
    });
    expect(submit.status).toBe(202);
    const videoId = (submit.body.videos as { id: string }[])[0]!.id;

    // Crash 1: the only detect worker dies mid-job; fresh ones (as a supervisor would start) take over.
    const job = await until(() => startedDetectJob(first), 60_000, 'the detect job did not start');
    const jobId = job.jobId!;
    const standby = [await startDetectWorker()];
    const killed1 = await kill(first);
    standby.push(start('detect-worker'));
    const [runner, resumed1] = await until(
      () => standby.map((p) => [p, startedDetectJob(p, jobId)] as const).find(([, l]) => l),
      40_000,
      'the job was not recovered',
    );

    // Crash 2: the same job loses its second worker; the other fresh one takes it over.
    const last = standby.find((p) => p !== runner)!;
    await last.waitFor(/detect-worker ready/, 90_000);
    const killed2 = await kill(runner);
    const resumed2 = await until(
      () => startedDetectJob(last, jobId),
      40_000,
      'the job was not recovered again',
    );

    const recovery = [Date.parse(resumed1!.time) - killed1, Date.parse(resumed2.time) - killed2].map(
      (ms) => ms / 1000,
    );
    console.info(`detect job ${jobId} recovered after ${recovery.join(' s and ')} s`);
    // Default lock 10 s + stall check 5 s; the bound is generous (a loaded machine), not a speed test.
    for (const seconds of recovery) expect(seconds).toBeLessThan(25);

    const deadline = Date.now() + 240_000;
    let status: Record<string, unknown>;
    for (;;) {
      status = (await api(`/v1/videos/${videoId}`)).body;
      if (status.state === 'completed' || status.state === 'failed' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status.state).toBe('completed');
    expect(status.progress).toMatchObject({ detect: { stalls: 2 }, embed: { stalls: 0 } });

    // Both crashes were counted as stalls of that one job, which then succeeded.
    const redis = new Redis(inject('redisUrl'));
    try {
      const [stalls, finished] = await redis.hmget(`${PREFIX}:detect:${jobId}`, 'stc', 'finishedOn');
      expect(stalls).toBe('2');
      expect(finished).not.toBeNull();
    } finally {
      redis.disconnect();
    }
  }, 600_000);
});
