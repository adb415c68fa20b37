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

/** `orion search "<text>"` or `--similar-to <video>:<entity>`. */
export async function search(
  client: ApiClient,
  text: string | undefined,
  opts: { similarTo?: string; videos?: string[]; limit?: number; json?: boolean },
) {
  let body: object;
  if (opts.similarTo) {
    const [videoId, entityId] = opts.similarTo.split(':');
    if (!videoId || !entityId) throw new Error('--similar-to takes <video id>:<entity id>');
    body = { entity: { videoId, entityId } };
  } else if (text) {
    body = { text };
  } else {
    throw new Error('give a text to search for, or --similar-to <video id>:<entity id>');
  }
  const res = await client.postJson<SearchResults>('/v1/search', {
    ...body,
    ...(opts.videos ? { videoIds: opts.videos } : {}),
    limit: opts.limit ?? 20,
  });
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
