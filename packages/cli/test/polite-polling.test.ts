import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { retryAfterMs } from '../src/retry-after.js';
import { runOrion } from './support/run-orion.js';

/** A status as the API answers it, with only what the CLI reads filled in meaningfully. */
function videoStatus(id: string, state: 'processing' | 'completed', percent: number) {
  const stage = { state: state === 'completed' ? 'completed' : 'active', completed: 1, total: 1, busyMs: 0 };
  const progress = { ...stage, wallMs: 1000, executionProviders: ['cpu'] };
  return {
    id,
    filename: `${id}.mp4`,
    state,
    stage: state === 'completed' ? 'done' : 'detect',
    percent,
    counts: { frames: 10, detections: 5, entities: state === 'completed' ? 2 : null },
    progress: { detect: progress, embed: progress, cluster: progress },
  };
}

/** A real HTTP server on 127.0.0.1 that answers each request as `answer` says and notes when it came. */
async function fakeApi(answer: (n: number, req: IncomingMessage, res: ServerResponse) => void) {
  const seen: { url: string; at: number }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', at: Date.now() });
    answer(seen.length, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const busy = (res: ServerResponse, status: 429 | 503, seconds: number) =>
  json(
    res,
    status,
    { statusCode: status, error: 'busy', code: 'BUSY', message: 'try later' },
    { 'retry-after': String(seconds) },
  );

let server: Awaited<ReturnType<typeof fakeApi>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const gaps = (seen: { at: number }[]) => seen.slice(1).map((s, k) => s.at - seen[k]!.at);

describe('orion polls politely', () => {
  it('waits as Retry-After says on 429 and 503, then reads the status with one bulk request', async () => {
    server = await fakeApi((n, _req, res) => {
      if (n === 1) return busy(res, 429, 1);
      if (n === 2) return busy(res, 503, 2);
      json(res, 200, { videos: [videoStatus('vid-a', 'completed', 100)], missing: [] });
    });
    const res = await runOrion(['status', 'vid-a'], { ORION_API_URL: server.url, ORION_API_KEY: 'k' });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('state completed, stage done, 100%');
    expect(server.seen.map((s) => s.url)).toEqual(Array(3).fill('/v1/videos?ids=vid-a'));
    const [first, second] = gaps(server.seen);
    expect(first).toBeGreaterThanOrEqual(1000);
    expect(second).toBeGreaterThanOrEqual(2000);
  });

  it('gives up with the API’s own message when it stays busy', async () => {
    server = await fakeApi((_n, _req, res) => busy(res, 429, 0));
    const res = await runOrion(['status', 'vid-a'], { ORION_API_URL: server.url, ORION_API_KEY: 'k' });
    expect(res).toMatchObject({ code: 1, stderr: 'orion: the API answered 429: try later\n' });
    expect(server.seen).toHaveLength(8);
  });

  it('status --watch backs off while nothing changes, asking for all its videos in each request', async () => {
    // Unchanged for five polls, then both complete.
    server = await fakeApi((n, _req, res) => {
      const state = n <= 5 ? 'processing' : 'completed';
      const percent = n <= 5 ? 40 : 100;
      json(res, 200, {
        videos: [videoStatus('vid-a', state, percent), videoStatus('vid-b', state, percent)],
      });
    });
    const res = await runOrion(['status', '--watch', '--interval', '100', 'vid-a', 'vid-b'], {
      ORION_API_URL: server.url,
      ORION_API_KEY: 'k',
    });
    expect(res.code).toBe(0);
    expect(res.stdout.match(/state completed/g)).toHaveLength(2);
    expect(new Set(server.seen.map((s) => s.url))).toEqual(new Set(['/v1/videos?ids=vid-a,vid-b']));
    expect(server.seen).toHaveLength(6);
    // 100 ms after the first answer (it counts as a change), then 200, 400, 800, 1600 while unchanged.
    const waits = gaps(server.seen);
    [100, 200, 400, 800, 1600].forEach((ms, k) => expect(waits[k]).toBeGreaterThanOrEqual(ms));
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Fri, 27 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Fri, 27 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
