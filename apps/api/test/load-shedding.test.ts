import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ env: { API_MAX_EVENT_LOOP_DELAY_MS: '200' } });
});
afterAll(() => api?.close());

/** Holds the (shared, in-process) event loop for `ms`: what a frozen API looks like from outside. */
function blockLoop(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy on purpose
  }
}

describe('an overloaded event loop', () => {
  it('gets 503 OVERLOADED with Retry-After, while /health stays up and /ready says why', async () => {
    // Past the start-up grace (two samples), then a sample whose mean delay is far over 200 ms.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await api.request('/v1/videos')).status).toBe(200);
    for (let i = 0; i < 6; i++) {
      blockLoop(400);
      await new Promise((r) => setImmediate(r));
    }
    const shed = await api.request('/v1/videos');
    expect(shed.status).toBe(503);
    expect(Number(shed.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await shed.json()).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'OVERLOADED',
      message: expect.stringMatching(/overloaded \(eventLoopDelay \d+\); retry after \d+ s/),
    });
    expect((await api.request('/health', { key: null })).status).toBe(200);
    const ready = await api.request('/ready', { key: null });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', checks: { eventLoop: false } });

    // Once the loop is free again, the next samples clear it (bounded wait).
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await api.request('/v1/videos')).status;
    }
    expect(status).toBe(200);
  });
});
