import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { VideoList, VideoStatus } from '@orion/shared/api';
import { PIPELINE_STAGES, isTerminalState } from '@orion/shared/vocabulary';
import type { ApiClient } from '../api-client.js';
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
  const fetchAll = () =>
    Promise.all(ids.map((id) => client.json<VideoStatus>(`/v1/videos/${encodeURIComponent(id)}`)));
  let statuses = await fetchAll();
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
    while (!statuses.every((s) => isTerminalState(s.state))) {
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
      statuses = await fetchAll();
      render();
    }
    multi?.stop();
  }
  process.stdout.write(
    opts.json ? `${JSON.stringify(statuses, null, 2)}\n` : statuses.map(describeStatus).join('\n'),
  );
  return statuses.every((s) => s.state !== 'failed' && s.state !== 'canceled');
}
