import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { badRequest } from '../errors.js';

/** Why a callback URL may not be used; the message is meant for the caller. */
export class CallbackUrlRefused extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CallbackUrlRefused';
  }
}

/** A checked callback: the URL and the one address it was checked against (connect to that only). */
export interface CallbackTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export interface CallbackPolicySettings {
  /** Plain `http` callbacks (development only). */
  allowHttp: boolean;
  /** Hostnames and CIDRs let through whatever they resolve to (private deployments, tests). */
  allowHosts: string[];
}

export type HostResolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const resolveAll: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

// Names that reach a cloud's instance metadata service, refused whatever they resolve to here.
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

// Addresses no public receiver has. BlockList also matches IPv4-mapped IPv6 (::ffff:a.b.c.d)
// against the IPv4 ranges, and WHATWG URL parsing has already turned 0x7f000001, 2130706433 and
// 0177.0.0.1 into dotted quads.
const REFUSED: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::', 96, 'ipv6', 'IPv4-compatible'],
  ['fc00::', 7, 'ipv6', 'unique-local (fd00:ec2::254 is cloud metadata)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];
const refusedRanges = REFUSED.map(([net, prefix, type, label]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  return { list, label };
});

const ipType = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** The kind of non-public address this is, or undefined for a public one. */
export function refusedAddressKind(address: string): string | undefined {
  return refusedRanges.find((r) => r.list.check(address, ipType(address)))?.label;
}

/** `CALLBACK_ALLOW_HOSTS` entries split into hostnames and address ranges. */
function parseAllowlist(entries: string[]): { hosts: Set<string>; ranges: BlockList } {
  const hosts = new Set<string>();
  const ranges = new BlockList();
  for (const entry of entries.map((e) => e.trim().toLowerCase()).filter(Boolean)) {
    const [net, prefix] = entry.split('/');
    const version = isIP(net!);
    if (version) {
      const type = version === 6 ? 'ipv6' : 'ipv4';
      ranges.addSubnet(net!, prefix === undefined ? (version === 6 ? 128 : 32) : Number(prefix), type);
    } else {
      hosts.add(entry.replace(/\.$/, ''));
    }
  }
  return { hosts, ranges };
}

/**
 * Where callbacks may go: `https` (and `http` when turned on) to hosts that resolve only to public
 * addresses, unless an operator allowed the host or its range. Checked at submit and again right
 * before each delivery, since DNS answers change.
 */
export class CallbackUrlPolicy {
  private readonly allow: { hosts: Set<string>; ranges: BlockList };

  constructor(
    private readonly settings: CallbackPolicySettings,
    private readonly resolve: HostResolver = resolveAll,
  ) {
    this.allow = parseAllowlist(settings.allowHosts);
  }

  /** The target to connect to, or `CallbackUrlRefused` saying why not. */
  async check(raw: string): Promise<CallbackTarget> {
    if (!URL.canParse(raw)) throw new CallbackUrlRefused('is not a valid URL');
    const url = new URL(raw);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.settings.allowHttp)) {
      throw new CallbackUrlRefused(
        this.settings.allowHttp ? 'must be an http(s) URL' : 'must be an https URL',
      );
    }
    if (url.username || url.password) throw new CallbackUrlRefused('must not carry credentials');
    const hostname = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (!hostname) throw new CallbackUrlRefused('has no host');
    const hostAllowed = this.allow.hosts.has(hostname);
    if (!hostAllowed && METADATA_HOSTS.has(hostname))
      throw new CallbackUrlRefused(`host ${hostname} is a cloud metadata service`);

    const literal = isIP(hostname);
    const addresses = literal ? [{ address: hostname, family: literal }] : await this.lookup(hostname);
    // Every address must pass: the client may connect to any of them.
    for (const { address } of addresses) {
      if (hostAllowed || this.allow.ranges.check(address, ipType(address))) continue;
      const kind = refusedAddressKind(address);
      if (kind) {
        const where = literal ? address : `${hostname} resolves to ${address}`;
        throw new CallbackUrlRefused(`points to a ${kind} address (${where})`);
      }
    }
    const first = addresses[0]!;
    return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  private async lookup(hostname: string): Promise<{ address: string; family: number }[]> {
    try {
      const found = await this.resolve(hostname);
      if (found.length > 0) return found;
    } catch {
      // fall through: the reason the caller needs is that the host does not resolve
    }
    throw new CallbackUrlRefused(`host ${hostname} does not resolve`);
  }
}

/** Longest callback URL accepted (as the JSON schema says). */
export const MAX_CALLBACK_URL_LENGTH = 2048;

/** Submit-time check, the same for JSON and multipart: a 400 naming the field and the reason. */
export async function checkCallbackUrlField(policy: CallbackUrlPolicy, url: string): Promise<void> {
  if (url.length > MAX_CALLBACK_URL_LENGTH)
    throw badRequest(`field callbackUrl must be at most ${MAX_CALLBACK_URL_LENGTH} characters`);
  try {
    await policy.check(url);
  } catch (err) {
    if (err instanceof CallbackUrlRefused) throw badRequest(`field callbackUrl ${err.message}`);
    throw err;
  }
}
