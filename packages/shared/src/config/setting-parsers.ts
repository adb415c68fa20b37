import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './config-error.js';

// Settings whose text needs more than a zod type: key lists, class lists, storage URLs, proxies.

export type StorageLocation =
  { driver: 'fs'; root: string } | { driver: 's3'; bucket: string; prefix: string };

export interface ApiKeyEntry {
  key: string;
  tenantId: string;
  admin: boolean;
}

const TENANT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** `API_TRUST_PROXY`: unset or `false` → trust none; `true` → any; else the proxies' addresses and CIDRs. */
export function parseTrustProxy(value: string | undefined): boolean | string {
  const v = value?.trim();
  if (!v || v === 'false') return false;
  return v === 'true' ? true : v;
}

/** `key=tenant[:admin]`, comma-separated. */
export function parseApiKeys(value: string | undefined): ApiKeyEntry[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([^=\s]{16,})=([^:]+)(:admin)?$/.exec(entry);
      if (!match || !TENANT_ID.test(match[2]!)) {
        throw new ConfigError([
          `API_KEYS entry ${JSON.stringify(entry.replace(/^[^=]*/, '<key>'))} must be key=tenant or key=tenant:admin, with keys of at least 16 characters and tenants of letters, digits, "_", "." or "-"`,
        ]);
      }
      return { key: match[1]!, tenantId: match[2]!, admin: match[3] !== undefined };
    });
}

/** `a, b ,c` → ['a', 'b', 'c']; empty or unset → undefined (no filter). */
export function parseClassList(value: string | undefined): string[] | undefined {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

export function parseStorageUrl(url: string): StorageLocation {
  if (url.startsWith('file://')) {
    const path = decodeURIComponent(url.slice('file://'.length));
    return { driver: 'fs', root: isAbsolute(path) ? path : resolve(process.cwd(), path) };
  }
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new ConfigError([`STORAGE_URL=${JSON.stringify(url)} is neither file:// nor s3://`]);
  const prefix = match[2] ?? '';
  return { driver: 's3', bucket: match[1]!, prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix };
}
