import type { IndexRebuilt } from '@orion/shared/api';
import type { ApiClient } from '../api-client.js';

/** `orion index rebuild`: recreates a tenant's entity index from stored results (admin key). */
export async function rebuildIndex(client: ApiClient, opts: { tenant?: string; json?: boolean }) {
  const res = await client.postJson<IndexRebuilt>(
    '/v1/index/rebuild',
    opts.tenant ? { tenantId: opts.tenant } : {},
  );
  process.stdout.write(
    opts.json
      ? `${JSON.stringify(res)}\n`
      : `tenant ${res.tenantId}: ${res.rows} entities of ${res.videos} videos indexed (${res.skipped} without results), ANN index ${res.annIndex ? 'built' : 'not needed yet'}, ${(res.ms / 1000).toFixed(1)} s\n`,
  );
}
