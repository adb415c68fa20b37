import type { Sample } from './collect.js';
import type { CostRow } from './cost.js';
import type { MethodResult } from './evaluate.js';
import { labelOnlyRecallBound } from './metrics.js';

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
const f2 = (x: number | null) => (x === null ? '—' : x.toFixed(2));

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function outcomeCounts(samples: readonly Sample[]) {
  const count = (o: Sample['outcome']) => samples.filter((s) => s.outcome === o).length;
  return {
    detections: samples.length,
    correct: count('correct'),
    wrongClass: count('wrong-class'),
    noObject: count('no-object'),
    ignored: count('ignored'),
  };
}

/** The report as markdown: summary, per-class figures and precision–recall points of each method. */
export function renderCosts(rows: readonly CostRow[]): string {
  return [
    '### Cost per crop, back to back',
    '',
    table(
      ['what', 'ms / crop', '× today'],
      rows.map((r) => [r.what, r.msPerCrop.toFixed(2), r.ratio.toFixed(2)]),
    ),
  ].join('\n');
}

export function renderMarkdown(
  dataset: string,
  images: number,
  samples: readonly Sample[],
  results: readonly MethodResult[],
): string {
  const c = outcomeCounts(samples);
  const out = [
    `## Label checking — ${dataset}`,
    '',
    `${images} images, ${c.detections} detections: ${c.correct} correct, ${c.wrongClass} wrong class, ` +
      `${c.noObject} no object (${c.wrongClass + c.noObject} real mistakes), ${c.ignored} on crowd regions (left out).`,
    '',
    table(
      [
        'method',
        'checkable',
        'flagged',
        'precision',
        'recall',
        'suggestion right (wrong class)',
        'verdict right (flagged mistakes)',
        'best precision at recall ≥ 0.6 (threshold)',
        'ms / crop',
        'flips: precision',
        'flips: recall',
      ],
      results.map((r) => [
        r.name,
        pct(r.real.checkable),
        r.real.flagged,
        f2(r.real.precision),
        f2(r.real.recall),
        pct(r.real.suggestionAccuracy),
        pct(r.real.verdictAccuracy),
        r.precisionAtRecall60
          ? `${f2(r.precisionAtRecall60.precision)} (${r.precisionAtRecall60.threshold})`
          : '—',
        r.msPerCrop.toFixed(2),
        f2(r.flips.precision),
        f2(r.flips.recall),
      ]),
    ),
    '',
    "### Recall by kind of mistake (at each method's threshold)",
    '',
    table(
      ['method', ...(results[0]?.byKind ?? []).map((k) => `${k.kind} (${k.mistakes})`)],
      results.map((r) => [r.name, ...r.byKind.map((k) => `${k.flagged} (${f2(k.recall)})`)]),
    ),
    '',
    `A check of the label alone, even a perfect one, reaches recall ${f2(labelOnlyRecallBound(samples))} at most: ` +
      'a loose box (a no-object detection at IoU 0.1–0.5 with a box of its own class) has the right label.',
  ];
  for (const r of results) {
    out.push(
      '',
      `### ${r.name}: per frequent class`,
      '',
      table(
        ['class', 'detections', 'mistakes', 'checkable', 'flagged', 'precision', 'recall'],
        r.perClass.map((p) => [
          p.label,
          p.detections,
          p.mistakes,
          pct(p.checkable),
          p.flagged,
          f2(p.precision),
          f2(p.recall),
        ]),
      ),
      '',
      `### ${r.name}: precision–recall over the threshold`,
      '',
      table(
        ['threshold', 'flagged', 'precision', 'recall'],
        r.curve.map((p) => [p.threshold, p.flagged, f2(p.precision), f2(p.recall)]),
      ),
    );
  }
  return out.join('\n');
}
