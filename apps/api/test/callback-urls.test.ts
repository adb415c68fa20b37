import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@orion/shared';
import { fileForm, makeUploadMedia, type UploadMedia } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

// Callback URLs are checked at submit, with the same rules for JSON and multipart: internal
// addresses in every spelling are refused, and nothing of a refused request is kept.

let api: ApiHarness;
let allowing: ApiHarness;
let media: UploadMedia;

beforeAll(async () => {
  [api, allowing, media] = await Promise.all([
    startApi(),
    startApi({ env: { CALLBACK_ALLOW_HTTP: 'true', CALLBACK_ALLOW_HOSTS: '127.0.0.1,localhost' } }),
    makeUploadMedia(),
  ]);
});
afterAll(async () => {
  await api?.close();
  await allowing?.close();
  await media?.cleanup();
});

/** Each URL and the reason its refusal must name. */
const REFUSED: [string, string][] = [
  ['https://127.0.0.1/hook', 'loopback address (127.0.0.1)'],
  ['https://[::1]/hook', 'loopback address (::1)'],
  ['https://localhost:6379/', 'loopback address (localhost resolves to'],
  ['https://0x7f000001/hook', 'loopback address (127.0.0.1)'],
  ['https://2130706433/hook', 'loopback address (127.0.0.1)'],
  ['https://0177.0.0.1/hook', 'loopback address (127.0.0.1)'],
  ['https://127.1/hook', 'loopback address (127.0.0.1)'],
  ['https://[::ffff:127.0.0.1]/hook', 'loopback address (::ffff:7f00:1)'],
  ['https://169.254.169.254/latest/meta-data/', 'link-local (cloud metadata) address'],
  ['https://[::ffff:169.254.169.254]/latest/meta-data/', 'link-local (cloud metadata) address'],
  ['https://[fe80::1]/hook', 'link-local address'],
  ['https://[fd00:ec2::254]/latest/meta-data/', 'unique-local'],
  ['https://[fc00::7]/hook', 'unique-local'],
  ['https://metadata.google.internal/computeMetadata/v1/', 'cloud metadata service'],
  ['https://10.1.2.3/hook', 'private address (10.1.2.3)'],
  ['https://172.16.0.9/hook', 'private address (172.16.0.9)'],
  ['https://172.31.255.1/hook', 'private address (172.31.255.1)'],
  ['https://192.168.1.1/hook', 'private address (192.168.1.1)'],
  ['https://[::ffff:10.0.0.1]/hook', 'private address'],
  ['https://100.64.0.1/hook', 'carrier-grade NAT address'],
  ['https://0.0.0.0/hook', 'unspecified address'],
  ['https://0/hook', 'unspecified address (0.0.0.0)'],
  ['https://[::]/hook', 'unspecified address (::)'],
  ['https://224.0.0.1/hook', 'multicast address'],
  ['https://[ff02::1]/hook', 'multicast address'],
  ['http://example.com/hook', 'must be an https URL'],
  ['http://', 'is not a valid URL'],
  ['ftp://example.com/hook', 'must be an https URL'],
  ['not a url', 'is not a valid URL'],
  [`https://example.com/${'a'.repeat(2048)}`, 'at most 2048 characters'],
  ['https://user:secret@example.com/hook', 'must not carry credentials'],
];

async function submitJson(target: ApiHarness, callbackUrl: string) {
  return target.request('/v1/videos', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sources: [{ key: 'uploads/acme/clip.mp4' }], callbackUrl }),
  });
}

async function submitMultipart(target: ApiHarness, callbackUrl: string) {
  const body = await fileForm([{ path: media.short, name: 'short.mp4' }], { callbackUrl });
  return target.request('/v1/videos', { method: 'POST', body });
}

async function expectRefused(res: Awaited<ReturnType<typeof submitJson>>, reason: string) {
  const body = await res.json();
  expect(res.status).toBe(400);
  expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'BAD_REQUEST' });
  expect(body.message).toMatch(/^field callbackUrl /);
  expect(body.message).toContain(reason);
}

describe('callback URLs at submit', () => {
  it.each(REFUSED)('refuses %s in a JSON body', async (url, reason) => {
    await expectRefused(await submitJson(api, url), reason);
  });

  it.each(REFUSED)('refuses %s in a multipart form, keeping no upload', async (url, reason) => {
    await expectRefused(await submitMultipart(api, url), reason);
    expect((await api.deps.store.list('videos/')).objects).toEqual([]);
  });

  it('accepts https to a public address', async () => {
    const res = await submitMultipart(api, 'https://93.184.215.14/hook');
    expect(res.status).toBe(202);
    const [video] = (await res.json()).videos;
    expect(video.id).toBeTruthy();
  });

  it("lets the operator's allowlist through (hosts and CIDRs), and nothing else", async () => {
    for (const url of ['http://127.0.0.1:4000/hook', 'http://localhost:4000/hook']) {
      const res = await submitMultipart(allowing, url);
      expect(res.status, url).toBe(202);
    }
    // 127.0.0.1 allowed does not open the rest of loopback, nor private ranges.
    await expectRefused(await submitJson(allowing, 'http://127.0.0.2/hook'), 'loopback address (127.0.0.2)');
    await expectRefused(await submitJson(allowing, 'http://10.0.0.1/hook'), 'private address (10.0.0.1)');
  });

  it('refuses an allowlist entry that is neither a host nor a CIDR at start', () => {
    expect(() => loadConfig({ CALLBACK_ALLOW_HOSTS: '10.0.0.0/8,10.0.0.0/99' })).toThrow(ConfigError);
    expect(() => loadConfig({ CALLBACK_ALLOW_HOSTS: 'http://hooks.internal' })).toThrow(
      /CALLBACK_ALLOW_HOSTS/,
    );
    expect(
      loadConfig({ CALLBACK_ALLOW_HOSTS: 'hooks.internal, 10.0.0.0/8 ,fd00::/8' }).api.callbacks.allowHosts,
    ).toEqual(['hooks.internal', '10.0.0.0/8', 'fd00::/8']);
  });
});
