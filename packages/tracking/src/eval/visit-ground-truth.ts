import { GroundTruthFormatError } from './mot-ground-truth.js';

/** One stretch of time during which one known object of a class is in view. */
export interface Visit {
  /** Seconds from the start of the video; the visit covers start ≤ t ≤ end. */
  start: number;
  end: number;
  /** Who it is: visits with the same identity are the same object coming back. */
  identity: string;
  /** Detector class the visit is about (default `person`). */
  label: string;
  /** 1-based line of the file, for messages. */
  line: number;
}

/**
 * "Visits" ground truth: for videos without boxes where at most one object of a class is in view at
 * a time, which object is there when. Visits are sorted by class, then start.
 */
export interface VisitGroundTruth {
  visits: Visit[];
  /** Distinct identities. */
  identities: number;
  /** Classes the visits are about. */
  labels: string[];
}

/**
 * Parses a visits file: one visit per line, `start_seconds,end_seconds,identity[,class]` (class
 * default `person`). `#` starts a comment (whole line or the rest of one); blank lines are skipped.
 * Visits of one class must not overlap or touch (one object of a class in view at a time), and an
 * identity belongs to one class. Anything malformed is a `GroundTruthFormatError` naming the line.
 */
export function parseVisitGroundTruth(text: string): VisitGroundTruth {
  const visits: Visit[] = [];
  const classOf = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/#.*$/, '').trim();
    if (content === '') return;
    const where = `visits line ${line}`;
    const fields = content.split(',').map((f) => f.trim());
    if (fields.length < 3 || fields.length > 4)
      throw new GroundTruthFormatError(
        `${where}: expected start_seconds,end_seconds,identity[,class], got "${raw.trim()}"`,
      );
    const [startText, endText, identity, label = 'person'] = fields as [string, string, string, string?];
    const start = seconds(startText, 'start', where);
    const end = seconds(endText, 'end', where);
    if (!(end > start))
      throw new GroundTruthFormatError(`${where}: end (${end}) must be after start (${start})`);
    if (identity === '') throw new GroundTruthFormatError(`${where}: the identity is empty`);
    if (label === '') throw new GroundTruthFormatError(`${where}: the class is empty`);
    const known = classOf.get(identity);
    if (known !== undefined && known !== label)
      throw new GroundTruthFormatError(
        `${where}: identity "${identity}" is a ${label} here but a ${known} on an earlier line`,
      );
    classOf.set(identity, label);
    visits.push({ start, end, identity, label, line });
  });
  visits.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.start - b.start));
  for (let k = 1; k < visits.length; k++) {
    const a = visits[k - 1]!;
    const b = visits[k]!;
    if (a.label === b.label && b.start <= a.end) {
      const [first, second] = a.line < b.line ? [a, b] : [b, a];
      throw new GroundTruthFormatError(
        `visits line ${second.line}: overlaps the ${a.label} visit of line ${first.line} ` +
          `(${first.start}–${first.end} s): at most one ${a.label} may be in view at a time`,
      );
    }
  }
  return { visits, identities: classOf.size, labels: [...new Set(visits.map((v) => v.label))] };
}

function seconds(text: string, name: string, where: string): number {
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new GroundTruthFormatError(`${where}: ${name} must be a number of seconds ≥ 0, got "${text}"`);
  return value;
}

/** The visit of `label` whose time span holds `t`, or undefined. `visits` as parsed (sorted). */
export function visitAt(truth: VisitGroundTruth, label: string, t: number): Visit | undefined {
  // Visits are few (a handful per video); a linear scan is clear and fast enough.
  return truth.visits.find((v) => v.label === label && v.start <= t && t <= v.end);
}
