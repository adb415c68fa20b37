import { afterEach, describe, expect, it } from 'vitest';
import { TEST_API_KEYS as KEYS } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

// Limits that guard the keys: counted per key however the header spells it, and per address for failures.

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const asHeader = (authorization: string) => ({ key: null, headers: { authorization } });
const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;

describe('rate limits', () => {
  it('count one key however the Authorization header spells it', async () => {
    api = await startApi({ env: { RATE_LIMIT_PER_MINUTE: '4' } });
    const spellings = [
      `Bearer ${KEYS.acme}`,
      `bearer ${KEYS.acme}`,
      `BEARER  ${KEYS.acme}`,
      basic('x', KEYS.acme),
    ];
    for (const header of spellings)
      expect((await api.request('/v1/videos', asHeader(header))).status, header).toBe(200);
    const over = await api.request('/v1/videos', asHeader(basic('anything-else', KEYS.acme)));
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ statusCode: 429, code: expect.any(String) });
    // Another key has a bucket of its own.
    expect((await api.request('/v1/videos', { key: KEYS.globex })).status).toBe(200);
  });
});

describe('failed authentications', () => {
  it('are throttled per address: past the limit, 429 whatever the key, with Retry-After', async () => {
    api = await startApi({ env: { AUTH_FAILURES_PER_MINUTE: '3' } });
    for (let i = 0; i < 3; i++)
      expect((await api.request('/v1/videos', { key: `guess-number-${i}-of-many` })).status).toBe(401);
    const blocked = await api.request('/v1/videos', { key: 'guess-number-3-of-many' });
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await blocked.json()).toMatchObject({
      statusCode: 429,
      code: 'TOO_MANY_AUTH_FAILURES',
      message: expect.stringMatching(/Too many failed authentications from this address/),
    });
    // A guess that happens to be right learns nothing either: the address is blocked, not the key.
    expect((await api.request('/v1/videos', { key: KEYS.acme })).status).toBe(429);
    // The probes stay open.
    expect((await api.request('/health', { key: null })).status).toBe(200);
  });

  it('count each client behind a trusted proxy by its own address (X-Forwarded-For)', async () => {
    api = await startApi({ env: { AUTH_FAILURES_PER_MINUTE: '2', API_TRUST_PROXY: '127.0.0.1' } });
    // Documentation addresses (RFC 5737) in a header only: no traffic goes anywhere but 127.0.0.1.
    const from = (client: string, key: string) =>
      api!.request('/v1/videos', { key, headers: { 'x-forwarded-for': client } });
    expect((await from('192.0.2.10', 'wrong-key-number-one')).status).toBe(401);
    expect((await from('192.0.2.10', 'wrong-key-number-two')).status).toBe(401);
    expect((await from('192.0.2.10', KEYS.acme)).status).toBe(429);
    expect((await from('192.0.2.11', KEYS.acme)).status).toBe(200);
  });

  it('leave good keys alone below the limit', async () => {
    api = await startApi({ env: { AUTH_FAILURES_PER_MINUTE: '3' } });
    expect((await api.request('/v1/videos', { key: 'wrong-key-once-only' })).status).toBe(401);
    for (let i = 0; i < 5; i++)
      expect((await api.request('/v1/videos', { key: KEYS.acme })).status).toBe(200);
  });
});

describe('challenges and content types', () => {
  it('challenges the browser dashboard with Basic, in the documented error shape', async () => {
    api = await startApi();
    const res = await api.request('/admin/queues', { key: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="orion"/);
    expect(await res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED' });
    expect((await api.request('/v1/videos', { key: null })).headers.get('www-authenticate')).toMatch(
      /^Bearer/,
    );
  });

  it('answers 415 to a submission that is neither multipart nor JSON', async () => {
    api = await startApi();
    const res = await api.request('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'sources=a.mp4',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({
      statusCode: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringMatching(/multipart\/form-data .* or application\/json .*not text\/plain/),
    });
  });
});
