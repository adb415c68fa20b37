import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { EntityList, ReclusterAccepted, SearchResults, VideoStatus } from '@orion/shared/api';
import type { ApiClient } from '../api-client.js';
import { PollBackoff } from '../poll-backoff.js';
import { formatTable } from '../format.js';

const t = (s: number) => `${s.toFixed(1)} s`;

/** `orion entities <id>`: the video's entities as a table (or JSON). */
export async function entities(
  client: ApiClient,
  id: string,
  opts: { label?: string; flagged?: boolean; json?: boolean },
) {
  const query = new URLSearchParams({ limit: '500' });
  if (opts.label) query.set('label', opts.label);
  if (opts.flagged) query.set('flagged', 'true');
  const res = await client.json<EntityList>(`/v1/videos/${encodeURIComponent(id)}/entities?${query}`);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${res.total} entities (run ${res.runId})\n`);
  process.stdout.write(
    formatTable(
      ['entity', 'label', 'observations', 'tracklets', 'seen', 'flags'],
      res.entities.map((e) => [
        e.id,
        e.label,
        e.observationCount,
        e.trackletCount,
        `${t(e.firstSeen)} – ${t(e.lastSeen)}`,
        e.likelyFalsePositive
          ? 'likely false positive'
          : e.flaggedObservations
            ? `${e.flaggedObservations} flagged`
            : '',
      ]),
    ),
  );
}

export interface SearchOptions {
  similarTo?: string;
  label?: string;
  image?: string;
  videos?: string[];
  labels?: string[];
  tags?: string[];
  from?: number;
  to?: number;
  flagged?: boolean;
  hideFalsePositives?: boolean;
  minScore?: number;
  limit?: number;
  offset?: number;
  json?: boolean;
}

/**
 * `orion search "<text>"`, `--label <label>`, `--similar-to <video>:<entity>` or `--image <file>`,
 * across all of the tenant's videos, with filters, paging and a score cut.
 */
export async function search(client: ApiClient, text: string | undefined, opts: SearchOptions) {
  const kinds = [text !== undefined, !!opts.label, !!opts.similarTo, !!opts.image].filter(Boolean).length;
  if (kinds !== 1) {
    throw new Error(
      'give one of: a text to search for, --label <label>, --similar-to <video id>:<entity id>, --image <file>',
    );
  }
  const options = {
    ...(opts.videos ? { videoIds: opts.videos } : {}),
    ...(opts.labels ? { labels: opts.labels } : {}),
    ...(opts.tags ? { tags: opts.tags } : {}),
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
    ...(opts.flagged ? { flagged: true } : {}),
    ...(opts.hideFalsePositives ? { likelyFalsePositive: false } : {}),
    ...(opts.minScore !== undefined ? { minScore: opts.minScore } : {}),
    ...(opts.offset !== undefined ? { offset: opts.offset } : {}),
    limit: opts.limit ?? 20,
  };
  let res: SearchResults;
  if (opts.image) {
    const form = new FormData();
    form.append('image', await openAsBlob(opts.image), basename(opts.image));
    form.append('query', JSON.stringify(options));
    res = await client.postForm<SearchResults>('/v1/search', form);
  } else {
    let kind: object;
    if (opts.similarTo) {
      const [videoId, entityId] = opts.similarTo.split(':');
      if (!videoId || !entityId) throw new Error('--similar-to takes <video id>:<entity id>');
      kind = { entity: { videoId, entityId } };
    } else {
      kind = opts.label ? { label: opts.label } : { text };
    }
    res = await client.postJson<SearchResults>('/v1/search', { ...kind, ...options });
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
    return;
  }
  process.stdout.write(`method: ${res.method}${res.labels ? ` (labels: ${res.labels.join(', ')})` : ''}\n`);
  process.stdout.write(
    formatTable(
      ['score', 'video', 'entity', 'label', 'observations'],
      res.results.map((r) => [r.score.toFixed(3), r.videoId, r.entityId, r.label, r.observationCount]),
    ),
  );
  if (res.nextOffset !== undefined) process.stdout.write(`more: --offset ${res.nextOffset}\n`);
}

/** `orion recluster <id> --eps 0.4`: starts a new clustering run and, with --wait, follows it. */
export async function recluster(
  client: ApiClient,
  id: string,
  params: Record<string, string | number | undefined>,
  opts: { wait?: boolean; json?: boolean },
) {
  const body = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  const res = await client.postJson<ReclusterAccepted>(
    `/v1/videos/${encodeURIComponent(id)}/recluster`,
    body,
  );
  if (!opts.wait) {
    process.stdout.write(
      opts.json ? `${JSON.stringify(res)}\n` : `run ${res.runId} started (current: ${res.previousRunId})\n`,
    );
    return;
  }
  const backoff = new PollBackoff(500);
  let last = '';
  for (;;) {
    const s = await client.json<VideoStatus>(`/v1/videos/${encodeURIComponent(id)}`);
    if (!s.pendingRunId) {
      if (s.runId !== res.runId)
        throw new Error(`recluster ${res.runId} failed: ${s.reclusterError?.message ?? 'unknown reason'}`);
      process.stdout.write(
        opts.json ? `${JSON.stringify(s)}\n` : `run ${s.runId} is current: ${s.counts.entities} entities\n`,
      );
      return;
    }
    const seen = JSON.stringify(s);
    await backoff.wait(seen !== last);
    last = seen;
  }
}
