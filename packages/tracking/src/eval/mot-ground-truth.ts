import { boxProblem, type BoxXywh } from '../box.js';

export interface GroundTruthBox {
  /** Identity (MOT track id). */
  id: number;
  box: BoxXywh;
}

/**
 * MOTChallenge ground truth, keyed by **0-based video frame**: row frame k + 1 of gt.txt is frame k
 * of the video.
 */
export interface MotGroundTruth {
  /** Boxes to be found, per video frame. */
  frames: Map<number, GroundTruthBox[]>;
  /**
   * Boxes of ignored rows (flag 0, or a class outside `classes`), per video frame: a prediction
   * on one of them counts as neither right nor wrong, as in the MOTChallenge evaluation.
   */
  ignored: Map<number, BoxXywh[]>;
  /** Rows kept, rows ignored, distinct identities kept. */
  boxes: number;
  ignoredBoxes: number;
  identities: number;
}

export interface MotParseOptions {
  /**
   * Keep only rows of these classes (column 8, MOT16/17: 1 = pedestrian); rows without a class
   * column are always kept. Default: every class.
   */
  classes?: readonly number[];
}

export class GroundTruthFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GroundTruthFormatError';
  }
}

/**
 * Parses a MOTChallenge gt.txt: `frame, id, x, y, w, h[, flag[, class[, visibility]]]` per line,
 * frames from 1, boxes in pixels with (x, y) the top-left corner. Rows with flag 0 are ignored
 * (kept apart in `ignored`); MOT15 files carry −1 there, which counts as "evaluate". Blank lines are
 * skipped; anything else malformed is an error naming the line.
 */
export function parseMotGroundTruth(text: string, options: MotParseOptions = {}): MotGroundTruth {
  const classes = options.classes ? new Set(options.classes) : null;
  const frames = new Map<number, GroundTruthBox[]>();
  const ignored = new Map<number, BoxXywh[]>();
  const identities = new Set<number>();
  let boxes = 0;
  let ignoredBoxes = 0;
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `gt line ${index + 1}`;
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 6)
      throw new GroundTruthFormatError(`${where}: expected at least 6 comma-separated fields, got "${line}"`);
    const values = fields.map(Number);
    if (values.some((v) => !Number.isFinite(v)))
      throw new GroundTruthFormatError(`${where}: not all fields are numbers: "${line}"`);
    const [frame, id, x, y, w, h, flag, cls] = values as [
      number,
      number,
      number,
      number,
      number,
      number,
      number?,
      number?,
    ];
    if (!Number.isInteger(frame) || frame < 1)
      throw new GroundTruthFormatError(`${where}: frame must be a whole number ≥ 1, got ${frame}`);
    if (!Number.isInteger(id))
      throw new GroundTruthFormatError(`${where}: id must be a whole number, got ${id}`);
    const box: BoxXywh = [x, y, w, h];
    const problem = boxProblem(box);
    if (problem) throw new GroundTruthFormatError(`${where}: the box ${problem}`);
    const key = `${frame},${id}`;
    if (seen.has(key))
      throw new GroundTruthFormatError(`${where}: identity ${id} appears twice in frame ${frame}`);
    seen.add(key);

    const videoFrame = frame - 1;
    if (flag === 0 || (classes && cls !== undefined && !classes.has(cls))) {
      push(ignored, videoFrame, box);
      ignoredBoxes++;
      return;
    }
    push(frames, videoFrame, { id, box });
    identities.add(id);
    boxes++;
  });
  return { frames, ignored, boxes, ignoredBoxes, identities: identities.size };
}

function push<T>(map: Map<number, T[]>, key: number, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The source frame on screen at `t` seconds of a video running at `sourceFps`: the last one that
 * starts at or before t (how the decoder samples at TARGET_FPS). Use it to turn an observation's
 * sample time into the video frame the ground truth is keyed by.
 */
export function sourceFrameAt(t: number, sourceFps: number): number {
  if (!(sourceFps > 0)) throw new RangeError(`sourceFps must be > 0, got ${sourceFps}`);
  return Math.floor(t * sourceFps + 1e-6);
}

/**
 * The source frames a sampler at `targetFps` looked at over the whole video: the ground truth of any
 * other frame was never seen, so it is not scored.
 */
export function sampledSourceFrames(
  targetFps: number,
  durationSeconds: number,
  sourceFps: number,
): Set<number> {
  const frames = new Set<number>();
  for (let n = 0; n / targetFps < durationSeconds; n++) frames.add(sourceFrameAt(n / targetFps, sourceFps));
  return frames;
}
