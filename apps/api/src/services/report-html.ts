import type { EntitiesFile, Observation, VideoRecord } from '@orion/shared';
import type { ConfusionCell } from './class-confusion.js';

export interface ReportInput {
  record: VideoRecord;
  entities: EntitiesFile;
  observations: Observation[];
  /** Detector class → suggested class over the flags (`classConfusion`), with example crops. */
  confusion: ConfusionCell[];
  /** Observation id → JPEG bytes, for the thumbnails and flagged crops shown. */
  crops: Map<string, Buffer>;
  generatedAt: Date;
  /**
   * Entity id → its appearances in the tenant's other videos (the entity's identity, from the last
   * identities recompute); entities without any are absent.
   */
  alsoSeenIn?: Map<string, AlsoSeen[]>;
}

type AlsoSeen = { videoId: string; entityId: string; firstSeen: number; lastSeen: number };

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const time = (t: number) => `${Math.floor(t / 60)}:${(t % 60).toFixed(1).padStart(4, '0')}`;
/** Lazy by default; the confusion table's few small examples load at once (a table read as a whole). */
const img = (crops: Map<string, Buffer>, id: string, alt: string, loading: 'lazy' | 'eager' = 'lazy') => {
  const jpeg = crops.get(id);
  return jpeg
    ? `<img src="data:image/jpeg;base64,${jpeg.toString('base64')}" alt="${esc(alt)}" loading="${loading}">`
    : `<div class="missing">no crop</div>`;
};

const STYLE = `
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
  body { margin: 0 auto; max-width: 1200px; padding: 24px; }
  h1 { font-size: 1.5rem; margin: 0 0 4px; } h2 { font-size: 1.15rem; margin: 32px 0 12px; }
  .meta { color: #5b6475; margin: 0 0 16px; }
  .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; }
  .card { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 8px; }
  .card.flagged { border-color: #d97706; }
  .card img, .flag img { width: 100%; height: 140px; object-fit: contain; background: #eef0f3; border-radius: 4px; }
  .card .label { font-weight: 600; } .card small { color: #5b6475; display: block; }
  .badge { display: inline-block; font-size: .75rem; padding: 1px 6px; border-radius: 8px; background: #fde68a; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  td, th { border: 1px solid #dde1e8; padding: 4px 8px; text-align: left; font-size: .9rem; }
  .timeline { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 8px; }
  .timeline svg { width: 100%; display: block; }
  .flags { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
  .flag { background: #fff; border: 1px solid #d97706; border-radius: 8px; padding: 8px; font-size: .9rem; }
  #confusion img { width: 64px; height: 64px; object-fit: contain; background: #eef0f3; border-radius: 4px; margin-right: 4px; }
  #confusion .missing { display: inline-grid; width: 64px; height: 64px; }
  #confusion td.count { text-align: right; font-variant-numeric: tabular-nums; }
  .missing { height: 140px; display: grid; place-items: center; background: #eef0f3; color: #5b6475; }
`;

function timeline(input: ReportInput): string {
  const duration = Math.max(input.record.probe.durationSeconds, 0.001);
  const rowH = 18;
  const labelW = 150;
  const width = 1000;
  const byEntity = new Map<string, number[]>();
  for (const o of input.observations)
    if (o.entity) (byEntity.get(o.entity) ?? byEntity.set(o.entity, []).get(o.entity)!).push(o.t);
  const x = (t: number) => labelW + (t / duration) * (width - labelW - 10);
  const rows = input.entities.entities.map((e, i) => {
    const y = i * rowH;
    const ticks = (byEntity.get(e.id) ?? [])
      .map((t) => `<rect x="${x(t).toFixed(1)}" y="${y + 3}" width="2" height="${rowH - 6}" fill="#2563eb"/>`)
      .join('');
    return `<g class="entity-row" data-entity="${esc(e.id)}"><text x="0" y="${y + rowH - 5}" font-size="12">${esc(e.id)} · ${esc(e.label)}</text>
      <rect x="${x(e.firstSeen).toFixed(1)}" y="${y + 6}" width="${Math.max(2, x(e.lastSeen) - x(e.firstSeen)).toFixed(1)}" height="${rowH - 12}" fill="#bfdbfe"/>${ticks}</g>`;
  });
  const h = Math.max(1, input.entities.entities.length) * rowH + 20;
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) =>
        `<text x="${x(f * duration).toFixed(1)}" y="${h - 4}" font-size="11" fill="#5b6475">${time(f * duration)}</text>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${width} ${h}" role="img" aria-label="When each entity is on screen">${rows.join('')}${axis}</svg>`;
}

function confusionTable(input: ReportInput): string {
  if (!input.confusion.length) return '<p>No flags.</p>';
  const rows = input.confusion
    .map(
      (c) =>
        `<tr class="cell" data-detected="${esc(c.detected)}" data-target="${esc(c.target)}" data-count="${c.count}">` +
        `<td>${esc(c.detected)}</td><td>${esc(c.target)}</td><td class="count">${c.count}</td>` +
        `<td class="examples">${c.examples.map((id) => img(input.crops, id, `${c.detected} → ${c.target}, observation ${id}`, 'eager')).join('')}</td></tr>`,
    )
    .join('\n');
  return `<table id="confusion"><thead><tr><th>detector class</th><th>suggested</th><th>flags</th><th>examples</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/** The report of one processed video: plain HTML and CSS, images inline, so it works offline. */
/** "also seen in …": links to the same identity's entities in other videos. */
function alsoSeen(list: AlsoSeen[] | undefined) {
  if (!list?.length) return '';
  const links = list
    .map(
      (a) =>
        `<a href="/v1/videos/${encodeURIComponent(a.videoId)}/report#entity-${esc(a.entityId)}">${esc(a.videoId)} ${esc(a.entityId)} (${time(a.firstSeen)} – ${time(a.lastSeen)})</a>`,
    )
    .join(', ');
  return `<small class="also-seen">also seen in ${links}</small>`;
}

export function renderReport(input: ReportInput): string {
  const { record, entities } = input;
  const e = entities;
  const cards = e.entities
    .map(
      (
        en,
      ) => `<div id="entity-${esc(en.id)}" class="card${en.flaggedObservations || en.likelyFalsePositive ? ' flagged' : ''}" data-entity="${esc(en.id)}" data-label="${esc(en.label)}">
  ${img(input.crops, en.representative, `${en.label} ${en.id}`)}
  <div class="label">${esc(en.label)} <small style="display:inline">${esc(en.id)}</small></div>
  <small>${plural(en.observationCount, 'observation')} · ${plural(en.trackletCount, 'tracklet')}</small>
  <small>seen ${time(en.firstSeen)} – ${time(en.lastSeen)}</small>
  ${en.likelyFalsePositive ? '<span class="badge">likely false positive</span>' : en.flaggedObservations ? `<span class="badge">${en.flaggedObservations} flagged</span>` : ''}
  ${alsoSeen(input.alsoSeenIn?.get(en.id))}
</div>`,
    )
    .join('\n');
  const flagged = input.observations.filter((o) => o.flag);
  const flags = flagged
    .slice(0, 60)
    .map(
      (
        o,
      ) => `<div class="flag" data-observation="${esc(o.id)}">${img(input.crops, o.id, `observation ${o.id}`)}
  <div>detector: <b>${esc(o.label)}</b> → suggested: <b>${esc(o.flag!.suggestedClass ?? '—')}</b></div>
  <small>${esc(o.flag!.reasons.join(', '))} · t ${time(o.t)} · entity ${esc(o.entity ?? '—')}</small></div>`,
    )
    .join('\n');
  const p = e.params;
  const params: [string, unknown][] = [
    ['run', e.runId],
    ['association', p.association],
    [
      'embedding',
      `${p.embedding} (${e.embeddingModel.backend}: ${e.embeddingModel.name}, ${e.embeddingModel.dim}-d)`,
    ],
    [
      'min cluster size / min samples',
      p.association === 'tracklets'
        ? '2 / 1 (on tracklets)'
        : `${p.clustering.minClusterSize} / ${p.clustering.minSamples}`,
    ],
    ['selection', `${p.clustering.clusterSelectionMethod}, ε = ${p.clustering.clusterSelectionEpsilon}`],
    ['noise', p.noise],
    [
      'sampling',
      `${record.plan.targetFps} fps, ${record.plan.shardCount} shards of ${record.plan.shardSeconds} s`,
    ],
    [
      'video',
      `${record.probe.video.width}×${record.probe.video.height}, ${record.probe.durationSeconds.toFixed(1)} s, ${record.probe.video.codec}`,
    ],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Orion report · ${esc(record.filename ?? record.id)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(record.filename ?? record.id)}</h1>
<p class="meta">video ${esc(record.id)} · ${e.counts.entities} entities from ${e.counts.observations} observations · ${e.counts.flaggedObservations} flagged · generated ${esc(input.generatedAt.toISOString())}</p>
<h2>Entities</h2>
<section class="cards" id="gallery">
${cards || '<p>No entities.</p>'}
</section>
<h2>Timeline</h2>
<section class="timeline" id="timeline">${timeline(input)}</section>
<h2>Class confusion</h2>
<p class="meta">What the flags say each detector class really was: a suggested class, no object at all, or unknown (flagged without a suggestion).</p>
<section id="confusion-section">${confusionTable(input)}</section>
<h2>Flagged misclassifications (${flagged.length})</h2>
<section class="flags" id="flags">
${flags || '<p>None.</p>'}
</section>
<h2>Run parameters</h2>
<table id="params">${params.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
</body></html>
`;
}
