import { boxProblem, type BoxXywh } from '../box.js';
import { GroundTruthFormatError } from '../eval/mot-ground-truth.js';

/** One row of a MOTChallenge results file. */
export interface MotResultRow {
  /** 0-based video frame (the file holds it 1-based, as gt.txt does). */
  frame: number;
  /** Track id, a whole number ≥ 1 in the file. */
  id: number;
  box: BoxXywh;
  /** Confidence (the detector's score). */
  score: number;
}

/** Writes rows as MOTChallenge results: `frame,id,x,y,w,h,conf,-1,-1,-1`, frames 1-based, in frame then id order. */
export function formatMotResults(rows: readonly MotResultRow[]): string {
  const sorted = [...rows].sort((a, b) => a.frame - b.frame || a.id - b.id);
  return sorted
    .map((r) => `${r.frame + 1},${r.id},${r.box.map(num).join(',')},${num(r.score)},-1,-1,-1\n`)
    .join('');
}

// Two decimals are what trackers write; more would only add noise to a pixel coordinate.
const num = (v: number) => String(Math.round(v * 100) / 100);

/**
 * Reads a MOTChallenge results file (`frame,id,x,y,w,h,conf[,x,y,z]`, frames from 1); blank lines are
 * skipped, anything malformed is a `GroundTruthFormatError` naming the line. A track id twice in one
 * frame is an error, as in TrackEval.
 */
export function parseMotResults(text: string): MotResultRow[] {
  const rows: MotResultRow[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `results line ${index + 1}`;
    const values = line.split(',').map((f) => Number(f.trim()));
    if (values.length < 7 || values.length > 10)
      throw new GroundTruthFormatError(`${where}: expected frame,id,x,y,w,h,conf[,x,y,z], got "${line}"`);
    if (values.some((v) => !Number.isFinite(v)))
      throw new GroundTruthFormatError(`${where}: not all fields are numbers: "${line}"`);
    const [frame, id, x, y, w, h, score] = values as [number, number, number, number, number, number, number];
    if (!Number.isInteger(frame) || frame < 1)
      throw new GroundTruthFormatError(`${where}: frame must be a whole number ≥ 1, got ${frame}`);
    if (!Number.isInteger(id) || id < 1)
      throw new GroundTruthFormatError(`${where}: id must be a whole number ≥ 1, got ${id}`);
    const box: BoxXywh = [x, y, w, h];
    const problem = boxProblem(box);
    if (problem) throw new GroundTruthFormatError(`${where}: the box ${problem}`);
    const key = `${frame},${id}`;
    if (seen.has(key)) throw new GroundTruthFormatError(`${where}: id ${id} appears twice in frame ${frame}`);
    seen.add(key);
    rows.push({ frame: frame - 1, id, box, score });
  });
  return rows;
}
