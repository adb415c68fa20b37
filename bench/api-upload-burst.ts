/**
 * An upload burst against a real API process: N parallel `POST /v1/videos` of a 1 s video (spread
 * over four API keys) while another client polls one video's status every 50 ms. Runs twice: with
 * the default upload bounds, and with them raised to N (only the probe pool limits the burst); with
 * BURST_UNBOUNDED_PROBES=1 a third run also raises PROBE_CONCURRENCY to 64 (the API before the pool).
 * Prints per run: uploads accepted / refused (429, 503) / failed, the poll's p50/p99/max latency and
 * error count, the API's peak RSS, and the burst's duration.
 *
 *   npm run bench:upload -- [N=100]
 */
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiProcess, makeTestVideo, startRedisServer } from '@orion/testkit';
import { rssMiB } from './lib/process-rss.js';

const N = Number(process.argv[2] ?? 100);
const KEYS = [
  'burst-key-a-0123456789abcdef',
  'burst-key-b-0123456789abcdef',
  'burst-key-c-0123456789abcdef',
  'burst-key-d-0123456789abcdef',
];
const POLLER = 'poller-key-0123456789abcdef';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function burst(label: string, env: Record<string, string>, video: string) {
  const redis = await startRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'orion-bench-burst-'));
  const api = await apiProcess({
    REDIS_URL: redis.url,
    STORAGE_URL: `file://${dir}`,
    API_KEYS: [...KEYS, POLLER].map((k, i) => `${k}=tenant${i}`).join(','),
    API_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const base = api.url;
  const submit = async (key: string) =>
    fetch(`${base}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: await (async () => {
        const form = new FormData();
        form.append('file', await openAsBlob(video), 'one-second.mp4');
        return form;
      })(),
    });
  try {
    // The poller's video, and past the API's start-up (load shedding ignores its first 2 s).
    const first = await submit(POLLER);
    const id = ((await first.json()) as { videos: { id: string }[] }).videos[0]!.id;
    await new Promise((r) => setTimeout(r, 2500));

    const rssBefore = rssMiB(api.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB(api.pid))), 50);
    const latencies: number[] = [];
    const pollErrors: Record<string, number> = {};
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t = performance.now();
        try {
          const res = await fetch(`${base}/v1/videos/${id}`, {
            headers: { authorization: `Bearer ${POLLER}` },
            signal: AbortSignal.timeout(30_000),
          });
          await res.arrayBuffer();
          if (res.status !== 200) pollErrors[res.status] = (pollErrors[res.status] ?? 0) + 1;
        } catch (err) {
          const name = (err as Error).name;
          pollErrors[name] = (pollErrors[name] ?? 0) + 1;
        }
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const started = performance.now();
    const outcomes: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        let outcome: string;
        try {
          const res = await submit(KEYS[i % KEYS.length]!);
          const body = (await res.json()) as { accepted?: number; code?: string };
          outcome =
            res.status === 202 ? (body.accepted ? '202' : '202-rejected') : `${res.status} ${body.code}`;
        } catch (err) {
          outcome = (err as Error).name;
        }
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    polling = false;
    await poller;
    clearInterval(sampler);
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`\n${label}: ${N} parallel uploads in ${seconds.toFixed(1)} s`);
    console.log(`  uploads: ${JSON.stringify(outcomes)}`);
    console.log(
      `  status polls: ${sorted.length}, p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms, errors ${JSON.stringify(pollErrors)}`,
    );
    console.log(`  api RSS: before ${rssBefore.toFixed(0)} MiB, peak ${rssPeak.toFixed(0)} MiB`);
  } finally {
    await api.close();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const mediaDir = await mkdtemp(join(tmpdir(), 'orion-bench-burst-media-'));
try {
  const video = await makeTestVideo({ out: join(mediaDir, 'one-second.mp4'), seconds: 1 });
  await burst('default bounds', {}, video);
  await burst(
    `upload bounds raised to ${N} (probe pool only)`,
    {
      MAX_CONCURRENT_UPLOADS: String(N),
      MAX_CONCURRENT_UPLOADS_PER_KEY: String(N),
    },
    video,
  );
  if (process.env.BURST_UNBOUNDED_PROBES)
    await burst(
      `bounds raised, PROBE_CONCURRENCY=${N} (as before the pool)`,
      {
        MAX_CONCURRENT_UPLOADS: String(N),
        MAX_CONCURRENT_UPLOADS_PER_KEY: String(N),
        PROBE_CONCURRENCY: String(Math.min(N, 64)),
      },
      video,
    );
} finally {
  await rm(mediaDir, { recursive: true, force: true });
}
