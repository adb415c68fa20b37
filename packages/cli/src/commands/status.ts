import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { VideoList, VideoStatus } from '@orion/shared/api';
import { PIPELINE_STAGES, isTerminalState } from '@orion/shared/vocabulary';
import { MAX_STATUS_IDS } from '@orion/shared/api';
import { ApiError, type ApiClient } from '../api-client.js';
import { PollBackoff } from '../poll-backoff.js';
import { formatTable, seconds } from '../format.js';

function summaryRows(s: VideoStatus): (string | number)[][] {
  return PIPELINE_STAGES.map((stage) => {
    const p = s.progress[stage];
    return [
      stage,
      p.state,
      `${p.completed}/${p.total}`,
      seconds(p.wallMs),
      p.executionProviders.join(',') || '—',
    ];
  });
}

export function describeStatus(s: VideoStatus): string {
  const head = `${s.id}  ${s.filename ?? ''}\n  state ${s.state}, stage ${s.stage}, ${s.percent}%  ·  frames ${s.counts.frames}, detections ${s.counts.detections}, entities ${s.counts.entities ?? '—'}\n`;
  const error = s.error
    ? `  error in ${s.error.stage}${s.error.shardIndex !== undefined ? ` shard ${s.error.shardIndex}` : ''}: ${s.error.message}\n`
    : '';
  const warnings = (s.warnings ?? []).map((w) => `  warning ${w.code}: ${w.message}\n`).join('');
  return (
    head + error + warnings + formatTable(['stage', 'state', 'jobs', 'wall', 'provider'], summaryRows(s))
  );
}

/**
 * Prints the status of the videos, or with `watch` follows them with a progress bar per video and
 * stage until every one has finished. Ends with exit code 1 if any failed.
 */
export async function status(
  client: ApiClient,
  ids: string[],
  opts: { watch?: boolean; json?: boolean; intervalMs?: number },
) {
  if (ids.length === 0) {
    const [queued, processing] = await Promise.all([
      client.json<VideoList>('/v1/videos?state=queued&limit=100'),
      client.json<VideoList>('/v1/videos?state=processing&limit=100'),
    ]);
    ids = [...processing.videos, ...queued.videos].map((v) => v.id);
    if (ids.length === 0) {
      process.stdout.write('no videos in progress\n');
      return true;
    }
  }
  let statuses = await fetchStatuses(client, ids);
  if (opts.watch) {
    const multi = process.stderr.isTTY
      ? new MultiBar(
          {
            format: ' {name} {stage} |{bar}| {percentage}% {detail}',
            hideCursor: true,
            stream: process.stderr,
          },
          Presets.shades_classic,
        )
      : undefined;
    const bars = new Map<string, SingleBar[]>();
    const render = () => {
      if (!multi) return;
      for (const s of statuses) {
        let row = bars.get(s.id);
        if (!row) {
          row = ['overall', 'detect', 'embed', 'cluster'].map((stage) =>
            multi.create(100, 0, { name: s.id.slice(0, 8), stage: stage.padEnd(7), detail: '' }),
          );
          bars.set(s.id, row);
        }
        row[0]!.update(s.percent, { detail: s.state });
        PIPELINE_STAGES.forEach((stage, i) => {
          const p = s.progress[stage];
          row![i + 1]!.update(p.total ? Math.round((100 * p.completed) / p.total) : 0, {
            detail: `${p.completed}/${p.total} ${p.state}`,
          });
        });
      }
    };
    render();
    const backoff = new PollBackoff(opts.intervalMs ?? 1000);
    let changed = true;
    while (!statuses.every((s) => isTerminalState(s.state))) {
      await backoff.wait(changed);
      const next = await fetchStatuses(client, ids);
      changed = JSON.stringify(next) !== JSON.stringify(statuses);
      statuses = next;
      render();
    }
    multi?.stop();
  }
  process.stdout.write(
    opts.json ? `${JSON.stringify(statuses, null, 2)}\n` : statuses.map(describeStatus).join('\n'),
  );
  return statuses.every((s) => s.state !== 'failed' && s.state !== 'canceled');
}

/** The statuses of `ids`, in order, with one bulk request per 100 videos (`GET /v1/videos?ids=…`). */
export async function fetchStatuses(client: ApiClient, ids: string[]): Promise<VideoStatus[]> {
  const statuses: VideoStatus[] = [];
  for (let k = 0; k < ids.length; k += MAX_STATUS_IDS) {
    const batch = ids.slice(k, k + MAX_STATUS_IDS);
    const page = await client.json<VideoList>(`/v1/videos?ids=${batch.map(encodeURIComponent).join(',')}`);
    if (page.missing?.length) throw new ApiError(404, `the API answered 404: No video ${page.missing[0]}`);
    const byId = new Map(page.videos.map((v) => [v.id, v]));
    statuses.push(...batch.map((id) => byId.get(id)!));
  }
  return statuses;
}
