import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFlaggedVideo, type FlaggedVideo } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

let api: ApiHarness;
let video: FlaggedVideo;
let dir: string;

beforeAll(async () => {
  api = await startApi();
  dir = await mkdtemp(join(tmpdir(), 'orion-report-'));
  video = await storeFlaggedVideo(api.deps.store, api.deps.videos, 'acme');
});
afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('report: class-confusion table', () => {
  it('shows detector class → suggested class with counts and decoded example crops, in a real browser', async () => {
    const res = await api.request(`/v1/videos/${video.id}/report`);
    expect(res.status).toBe(200);
    const page = join(dir, 'report.html');
    await writeFile(page, await res.text());
    const flagged = video.observations.filter((o) => o.flag);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      timeout: 60_000,
    });
    try {
      const tab = await browser.newPage();
      await tab.route(/^https?:/, (route) => route.abort());
      await tab.goto(`file://${page}`);
      const cells = await tab.$$eval('#confusion tr.cell', (rows) =>
        rows.map((r) => {
          const row = r as unknown as {
            dataset: Record<string, string>;
            querySelectorAll(s: string): ArrayLike<{ complete: boolean; naturalWidth: number }>;
          };
          const imgs = Array.from(row.querySelectorAll('img'));
          return {
            detected: row.dataset.detected,
            target: row.dataset.target,
            count: Number(row.dataset.count),
            images: imgs.length,
            decoded: imgs.filter((i) => i.complete && i.naturalWidth > 0).length,
          };
        }),
      );
      // One row per (detector class, target), each flag counted once, an example crop for each.
      expect(cells.map((c) => `${c.detected} → ${c.target}`).sort()).toEqual(
        ['cup → bottle', 'cup → no object', 'cat → dog', 'cup → unknown'].sort(),
      );
      expect(cells.reduce((n, c) => n + c.count, 0)).toBe(flagged.length);
      // Up to four examples a cell (CONFUSION_EXAMPLES in the report route).
      for (const c of cells)
        expect([c.images, c.decoded]).toEqual([Math.min(c.count, 4), Math.min(c.count, 4)]);
      // The table's visible text says the same as its data.
      const text = await tab.locator('#confusion').innerText();
      expect(text).toContain('no object');
      expect(text).toContain('bottle');
    } finally {
      await browser.close();
    }
  });
});
