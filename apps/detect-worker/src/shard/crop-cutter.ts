import type { CropToPack } from '@orion/shared';
import type { DecodedFrame } from '../decode/decode-shard.js';
import type { ImageDetection } from '@orion/detector';
import { cropRegion, encodeCrop } from '../output/crops.js';

// Crops are encoded while the next frames are detected; this bounds the frames kept alive for them.
const MAX_PENDING_CROPS = 64;

/** Cuts and JPEG-encodes each detection's crop in the background, overlapping with detection. */
export class CropCutter {
  /** By detection id. */
  readonly crops: CropToPack[] = [];
  /** Time spent waiting for encodings: the part not overlapped with detection. */
  waitMs = 0;
  private pending: Promise<void>[] = [];

  constructor(private readonly margin: number) {}

  cut(id: number, frame: DecodedFrame, d: ImageDetection): void {
    const region = cropRegion(d.box, frame.image.width, frame.image.height, this.margin);
    this.pending.push(
      encodeCrop(frame.image, region).then((c) => {
        this.crops[id] = { detection: id, frame: frame.index, region, ...c };
      }),
    );
  }

  /** Waits for the encodings once too many frames are kept alive for them. */
  async throttle(): Promise<void> {
    if (this.pending.length >= MAX_PENDING_CROPS) await this.flush();
  }

  /** Waits for every encoding started so far (rejecting if one failed). */
  async flush(): Promise<void> {
    const t = performance.now();
    await Promise.all(this.pending);
    this.pending = [];
    this.waitMs += performance.now() - t;
  }

  /** Lets the running encodings end, whatever their outcome: none is left behind a failure. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending);
  }
}
