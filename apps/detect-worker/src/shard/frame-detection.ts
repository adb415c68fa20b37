import type { Detection } from '@orion/shared';
import type { DecodedFrame } from '../decode/decode-shard.js';
import type { ImageDetection } from '@orion/detector';

/** The stored record of detection `id`, found in `frame`. */
export function frameDetection(id: number, frame: DecodedFrame, d: ImageDetection): Detection {
  return {
    id,
    frame: frame.index,
    t: frame.t,
    box: d.box,
    class: d.classId,
    label: d.label,
    score: d.score,
    top5: d.top5,
  };
}
