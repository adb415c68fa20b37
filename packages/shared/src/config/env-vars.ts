import { isIP } from 'node:net';
import { z } from 'zod';

/** Environment variables as zod types: text read as numbers, booleans, enums, URLs, with messages users can act on. */
export function numberVar(opts: { min?: number; max?: number; int?: boolean; positive?: boolean }) {
  let schema = z.number({ error: 'must be a number' });
  if (opts.int) schema = schema.int({ error: 'must be a whole number' });
  if (opts.positive) schema = schema.positive({ error: 'must be greater than 0' });
  if (opts.min !== undefined) schema = schema.min(opts.min, { error: `must be at least ${opts.min}` });
  if (opts.max !== undefined) schema = schema.max(opts.max, { error: `must be at most ${opts.max}` });
  return z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    const n = Number(v);
    return v.trim() === '' || Number.isNaN(n) ? v : n;
  }, schema);
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
export function booleanVar() {
  return z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v;
      const lower = v.toLowerCase();
      if (TRUE.includes(lower)) return true;
      if (FALSE.includes(lower)) return false;
      return v;
    },
    z.boolean({ error: `must be one of ${[...TRUE, ...FALSE].join(', ')}` }),
  );
}

export function enumVar<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

export function stringVar() {
  return z.string();
}

export const storageUrl = z
  .string()
  .refine((s) => /^file:\/\/.+/.test(s) || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(s), {
    error: 'must be file://<path> or s3://<bucket>[/<prefix>]',
  });

export const redisUrl = z.string().regex(/^rediss?:\/\/.+/, { error: 'must be a redis:// or rediss:// URL' });

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

// Hostnames, IP addresses or CIDRs; checked here so a typo stops the API at start.
const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
function isHostOrCidr(entry: string): boolean {
  const [net, prefix, ...rest] = entry.split('/');
  const version = isIP(net!);
  if (rest.length > 0) return false;
  if (prefix === undefined) return version !== 0 || HOSTNAME.test(net!);
  return version !== 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 6 ? 128 : 32);
}
export const callbackAllowHosts = z
  .string()
  .refine((s) => s.split(',').every((e) => e.trim() === '' || isHostOrCidr(e.trim())), {
    error: 'must be hostnames, IP addresses or CIDRs (e.g. 10.0.0.0/8), comma-separated',
  });
