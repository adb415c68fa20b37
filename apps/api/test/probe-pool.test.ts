import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '@orion/shared';
import { makeUploadMedia, type UploadMedia } from '@orion/testkit';
import { ProbePool } from '../src/services/probe-pool.js';

let media: UploadMedia;
beforeAll(async () => {
  media = await makeUploadMedia();
});
afterAll(() => media?.cleanup());

/** ffprobe processes whose parent is this test process, read from /proc (what the kernel runs). */
function ffprobeChildren(): number {
  let n = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (comm === 'ffprobe' && ppid === process.pid) n++;
    } catch {
      // the process ended while being read
    }
  }
  return n;
}

describe('ProbePool', () => {
  it('never runs more ffprobe children than its concurrency, and does reach it', async () => {
    const pool = new ProbePool(2);
    let observedMax = 0;
    let samples = 0;
    const sampler = setInterval(() => {
      observedMax = Math.max(observedMax, ffprobeChildren());
      samples++;
    }, 1);
    const probes = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        pool.run(i % 2 ? 'acme' : 'globex', () => probeMedia(i % 3 ? media.short : media.long)),
      ),
    ).finally(() => clearInterval(sampler));
    expect(probes.every((p) => p.durationSeconds > 0)).toBe(true);
    expect(samples).toBeGreaterThan(0);
    // Seen by the kernel: children did run (the sampler works), never more than two at once.
    expect(observedMax).toBeGreaterThan(0);
    expect(observedMax).toBeLessThanOrEqual(2);
    expect(pool.stats()).toEqual({ running: 0, queued: 0, peakRunning: 2, completed: 16 });
  });

  it('serves one tenant first come, first served, and lets another tenant in between a burst', async () => {
    const pool = new ProbePool(2);
    const started: string[] = [];
    const submit = (tenant: string, name: string) =>
      pool.run(tenant, async () => {
        started.push(name);
        return probeMedia(media.short);
      });
    const burst = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((n) => submit('a', n));
    const single = submit('b', 'b1');
    expect(pool.stats()).toMatchObject({ running: 2, queued: 5 });
    await Promise.all([...burst, single]);
    // b1 came after all six of a's, but starts as soon as a slot frees after a's next one.
    expect(started).toEqual(['a1', 'a2', 'a3', 'b1', 'a4', 'a5', 'a6']);
  });

  it('passes a failure to its caller and goes on with the next', async () => {
    const pool = new ProbePool(1);
    const bad = pool.run('a', () => probeMedia(media.text));
    const good = pool.run('a', () => probeMedia(media.short));
    await expect(bad).rejects.toThrow(/not a readable video|format/);
    expect((await good).durationSeconds).toBeGreaterThan(3);
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0, completed: 2 });
  });

  it('refuses a concurrency that is not a positive integer', () => {
    expect(() => new ProbePool(0)).toThrow(/positive integer/);
  });
});
