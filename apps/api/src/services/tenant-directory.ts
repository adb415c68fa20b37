import { readFile } from 'node:fs/promises';
import { ConfigError, type ApiKeyEntry, type ApiSettings } from '@orion/shared';
import { keyDigest as sha256 } from './api-key.js';

export interface Principal {
  tenantId: string;
  admin: boolean;
}

interface TenantsFile {
  tenants: { id: string; callbackSecret?: string; keys: { key: string; admin?: boolean }[] }[];
}

/**
 * API keys and tenants. Keys are held only as SHA-256 digests, so a lookup compares digests of equal
 * length and the keys themselves never sit in memory longer than start-up.
 */
export class TenantDirectory {
  private readonly byKeyDigest = new Map<string, Principal>();
  private readonly callbackSecrets = new Map<string, string>();

  constructor(
    keys: ApiKeyEntry[],
    private readonly defaultCallbackSecret?: string,
  ) {
    for (const k of keys) this.byKeyDigest.set(sha256(k.key), { tenantId: k.tenantId, admin: k.admin });
  }

  static async load(settings: ApiSettings): Promise<TenantDirectory> {
    const directory = new TenantDirectory(settings.keys, settings.callbackSigningSecret);
    if (settings.tenantsFile) {
      let parsed: TenantsFile;
      try {
        parsed = JSON.parse(await readFile(settings.tenantsFile, 'utf8')) as TenantsFile;
      } catch (err) {
        throw new ConfigError([`API_TENANTS_FILE ${settings.tenantsFile}: ${(err as Error).message}`]);
      }
      if (!Array.isArray(parsed.tenants)) {
        throw new ConfigError([`API_TENANTS_FILE ${settings.tenantsFile}: expected { "tenants": [...] }`]);
      }
      for (const tenant of parsed.tenants) {
        if (tenant.callbackSecret) directory.callbackSecrets.set(tenant.id, tenant.callbackSecret);
        for (const k of tenant.keys ?? []) {
          if (typeof k.key !== 'string' || k.key.length < 16) {
            throw new ConfigError([
              `API_TENANTS_FILE: tenant ${tenant.id} has a key shorter than 16 characters`,
            ]);
          }
          directory.byKeyDigest.set(sha256(k.key), { tenantId: tenant.id, admin: k.admin === true });
        }
      }
    }
    if (directory.byKeyDigest.size === 0) {
      throw new ConfigError([
        'No API keys configured: set API_KEYS (key=tenant[:admin],…) or API_TENANTS_FILE',
      ]);
    }
    return directory;
  }

  authenticate(key: string): Principal | undefined {
    return this.byKeyDigest.get(sha256(key));
  }

  callbackSecret(tenantId: string): string | undefined {
    return this.callbackSecrets.get(tenantId) ?? this.defaultCallbackSecret;
  }
}
