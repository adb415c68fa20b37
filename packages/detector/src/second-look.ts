import sharp from 'sharp';
import type { Box, ExecutionProviderSetting, RawImage } from '@orion/shared';
import { Detector, type ImageDetection } from './detector.js';

/** A stored crop to look at again, with the first detector's box (crop pixels) and label. */
export interface LookItem {
  jpeg: Buffer;
  box: Box;
  label: string;
}

/** What the second detector sees where the first one put its box. */
export interface SecondView {
  /** Its best score for the same class on a box overlapping the detection (0: none there). */
  sameClassScore: number;
  /** IoU of that same-class box with the detection's (0: none): how well the two agree on the box. */
  sameClassIou: number;
  /** Its best-scoring class on a box overlapping the detection, and that score (null/0: nothing there). */
  bestLabel: string | null;
  bestScore: number;
}

export interface SecondLookOptions {
  modelsDir: string;
  /** A detection model with a fixed square input (`nanodet_m`: 416). */
  model: string;
  executionProvider: ExecutionProviderSetting;
  intraOpThreads: number;
  /**
   * Crops per side of the mosaic fed to the model: 2 puts four crops in one 416 input, each at
   * 208 px; the model's input size is fixed, so this is how a small per-crop input is had.
   */
  grid: number;
  /** Its own boxes below this score are not looked at. */
  scoreThreshold: number;
  /** Least IoU between its box and the detection's for the box to count as "there". */
  overlapIou: number;
}

export const DEFAULT_SECOND_LOOK: Omit<
  SecondLookOptions,
  'modelsDir' | 'executionProvider' | 'intraOpThreads'
> = {
  model: 'nanodet_m',
  grid: 2,
  scoreThreshold: 0.05,
  overlapIou: 0.3,
};

function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const i = w * h;
  return i / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - i);
}

/** A crop letterboxed into one cell of the mosaic: where it went and at what scale. */
interface Placed {
  x: number;
  y: number;
  scale: number;
}

/**
 * A second, independent detector's look at stored crops: several crops share one model run (a
 * mosaic of `grid × grid` cells), and each crop's own boxes are compared with the first detector's.
 * The crop's margin gives the second model some context around the object.
 */
export class SecondLook {
  private constructor(
    private readonly detector: Detector,
    private readonly opts: SecondLookOptions,
    private readonly side: number,
    /** The background: the model's mean colour (RGB), so padding reads as "nothing". */
    private readonly fill: [number, number, number],
  ) {}

  static async load(opts: SecondLookOptions): Promise<SecondLook> {
    const detector = await Detector.load({
      modelsDir: opts.modelsDir,
      model: opts.model,
      executionProvider: opts.executionProvider,
      intraOpThreads: opts.intraOpThreads,
      interOpThreads: 1,
      scoreThreshold: opts.scoreThreshold,
      batchSize: 1,
    });
    const { input } = detector.manifest;
    if (input.width !== input.height) {
      await detector.close();
      throw new Error(
        `second look needs a square model input; ${opts.model} takes ${input.width}×${input.height}`,
      );
    }
    const mean = input.mean.map((m) => Math.round(m / input.scale));
    const rgb: [number, number, number] =
      input.colorOrder === 'BGR' ? [mean[2]!, mean[1]!, mean[0]!] : [mean[0]!, mean[1]!, mean[2]!];
    return new SecondLook(detector, opts, input.width, rgb);
  }

  get labels(): string[] {
    return this.detector.labels;
  }
  get grid(): number {
    return this.opts.grid;
  }

  /** The second view of each item, in input order. */
  async look(items: readonly LookItem[]): Promise<SecondView[]> {
    const perMosaic = this.opts.grid * this.opts.grid;
    const out: SecondView[] = [];
    for (let i = 0; i < items.length; i += perMosaic) {
      out.push(...(await this.lookMosaic(items.slice(i, i + perMosaic))));
    }
    return out;
  }

  private async lookMosaic(items: readonly LookItem[]): Promise<SecondView[]> {
    const cell = Math.floor(this.side / this.opts.grid);
    const row = Buffer.alloc(this.side * 3);
    for (let p = 0; p < row.length; p += 3) row.set(this.fill, p);
    const data = Buffer.alloc(this.side * row.length);
    for (let y = 0; y < this.side; y++) row.copy(data, y * row.length);
    const placed: Placed[] = await Promise.all(
      items.map(async (item, k) => {
        const { data: pixels, info } = await sharp(item.jpeg)
          .removeAlpha()
          .resize(cell, cell, { fit: 'inside' })
          .raw()
          .toBuffer({ resolveWithObject: true });
        const meta = await sharp(item.jpeg).metadata();
        const x = (k % this.opts.grid) * cell + Math.floor((cell - info.width) / 2);
        const y = Math.floor(k / this.opts.grid) * cell + Math.floor((cell - info.height) / 2);
        for (let row = 0; row < info.height; row++) {
          pixels.copy(
            data,
            ((y + row) * this.side + x) * 3,
            row * info.width * 3,
            (row + 1) * info.width * 3,
          );
        }
        return { x, y, scale: info.width / (meta.width ?? info.width) };
      }),
    );
    const mosaic: RawImage = { data, width: this.side, height: this.side };
    const { detections } = await this.detector.detect([mosaic]);
    return items.map((item, k) => this.viewOf(item, placed[k]!, detections[0]!));
  }

  private viewOf(item: LookItem, at: Placed, found: readonly ImageDetection[]): SecondView {
    const box: Box = [
      at.x + item.box[0] * at.scale,
      at.y + item.box[1] * at.scale,
      at.x + item.box[2] * at.scale,
      at.y + item.box[3] * at.scale,
    ];
    const view: SecondView = { sameClassScore: 0, sameClassIou: 0, bestLabel: null, bestScore: 0 };
    for (const d of found) {
      const overlap = iou(d.box, box);
      if (overlap < this.opts.overlapIou) continue;
      const same =
        d.label === item.label ? d.score : (d.top5.find((t) => this.labels[t.class] === item.label)?.p ?? 0);
      if (same > view.sameClassScore) {
        view.sameClassScore = same;
        view.sameClassIou = overlap;
      }
      if (d.score > view.bestScore) {
        view.bestScore = d.score;
        view.bestLabel = d.label;
      }
    }
    return view;
  }

  close(): Promise<void> {
    return this.detector.close();
  }
}
