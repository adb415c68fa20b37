import { describe, expect, it } from 'vitest';
import { CallbackUrlPolicy, type HostResolver } from '../src/services/callback-url-policy.js';

// The policy against DNS answers a public test cannot get from real DNS: names answering with
// several addresses, names that stop resolving.

const answers: Record<string, string[]> = {
  'public.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'mixed.test': ['93.184.215.14', '10.0.0.7'],
  'rebind.test': ['::ffff:169.254.169.254'],
};
const resolver: HostResolver = async (host) =>
  (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const policy = (allowHosts: string[] = []) =>
  new CallbackUrlPolicy({ allowHttp: false, allowHosts }, resolver);

describe('callback URL policy', () => {
  it('answers the first address of a host whose every address is public', async () => {
    const target = await policy().check('https://public.test/hook?x=1');
    expect(target).toMatchObject({ address: '93.184.215.14', family: 4 });
    expect(target.url.href).toBe('https://public.test/hook?x=1');
  });

  it('refuses a host with any internal address among its answers', async () => {
    await expect(policy().check('https://mixed.test/')).rejects.toThrow(
      'points to a private address (mixed.test resolves to 10.0.0.7)',
    );
    await expect(policy().check('https://rebind.test/')).rejects.toThrow('link-local (cloud metadata)');
  });

  it('refuses a host that does not resolve', async () => {
    await expect(policy().check('https://gone.test/')).rejects.toThrow('host gone.test does not resolve');
  });

  it('lets allowed names and ranges through, only them', async () => {
    await expect(policy(['mixed.test']).check('https://mixed.test/')).resolves.toMatchObject({
      address: '93.184.215.14',
    });
    await expect(policy(['10.0.0.0/8']).check('https://mixed.test/')).resolves.toBeTruthy();
    await expect(policy(['10.0.0.0/8']).check('https://rebind.test/')).rejects.toThrow('link-local');
    await expect(policy(['fd00::/8']).check('https://[fd00:ec2::254]/')).resolves.toMatchObject({
      address: 'fd00:ec2::254',
      family: 6,
    });
  });

  it('refuses metadata names by name, before any lookup', async () => {
    await expect(policy().check('https://metadata.google.internal./x')).rejects.toThrow(
      'cloud metadata service',
    );
  });
});
