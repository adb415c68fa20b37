import type { EntityMatches, IdentitiesRecompute, IdentityList } from '@orion/shared/api';
import type { ApiClient } from '../api-client.js';
import { formatTable } from '../format.js';

const span = (a: { firstSeen: number; lastSeen: number }) =>
  `${a.firstSeen.toFixed(1)}–${a.lastSeen.toFixed(1)} s`;

/** `orion matches <video> <entity>`: entities of other videos that look like this one. */
export async function matches(
  client: ApiClient,
  video: string,
  entity: string,
  opts: { limit: number; minScore?: number; json?: boolean },
) {
  const q = new URLSearchParams({ limit: String(opts.limit) });
  if (opts.minScore !== undefined) q.set('minScore', String(opts.minScore));
  const res = await client.json<EntityMatches>(
    `/v1/videos/${encodeURIComponent(video)}/entities/${encodeURIComponent(entity)}/matches?${q}`,
  );
  if (opts.json) return void process.stdout.write(`${JSON.stringify(res)}\n`);
  process.stdout.write(
    `${res.matches.length} matches of ${res.entityId} (${res.label}) in other videos (labels: ${res.labels.join(', ')})\n`,
  );
  if (res.matches.length === 0) return;
  process.stdout.write(
    formatTable(
      ['score', 'video', 'entity', 'label', 'seen', 'vector', 'distance'],
      res.matches.map((m) => [
        m.score.toFixed(3),
        m.videoId,
        m.entityId,
        m.label,
        span(m),
        m.evidence.vector,
        m.evidence.distance.toFixed(3),
      ]),
    ) + '\n',
  );
}

/** `orion identities`: the tenant's identities across its videos (or `--recompute` them now). */
export async function identities(
  client: ApiClient,
  opts: { limit: number; video?: string; acrossVideos?: boolean; recompute?: boolean; json?: boolean },
) {
  if (opts.recompute) {
    const res = await client.postJson<IdentitiesRecompute>('/v1/identities/recompute', {});
    return void process.stdout.write(
      opts.json ? `${JSON.stringify(res)}\n` : `identities job ${res.jobId} queued\n`,
    );
  }
  const q = new URLSearchParams({ limit: String(opts.limit) });
  if (opts.video) q.set('videoId', opts.video);
  if (opts.acrossVideos) q.set('acrossVideos', 'true');
  const res = await client.json<IdentityList>(`/v1/identities?${q}`);
  if (opts.json) return void process.stdout.write(`${JSON.stringify(res)}\n`);
  if (!res.computedAt) return void process.stdout.write('no identities yet (orion identities --recompute)\n');
  process.stdout.write(
    `${res.total} identities (${res.counts.acrossVideos} across videos, from ${res.counts.entities} entities; computed ${res.computedAt})\n`,
  );
  if (res.counts.leftOut) {
    process.stdout.write(
      `${res.counts.leftOut} entities not grouped: label families over IDENTITIES_MAX_POOL keep their best-seen entities\n`,
    );
  }
  for (const i of res.identities) {
    process.stdout.write(
      `${i.id} ${i.label} (${i.vector}): ${i.appearances.length} appearances in ${i.videos} videos\n`,
    );
    for (const a of i.appearances) process.stdout.write(`  ${a.videoId} ${a.entityId} ${span(a)}\n`);
  }
}
