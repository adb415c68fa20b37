import type { DetectionOutputSpec } from '@orion/shared';
import type { OutputDecoder } from '../candidates.js';
import { nanodetDecoder } from './nanodet.js';
import { yolov8Decoder } from './yolov8.js';
import { yoloxDecoder } from './yolox.js';

/** The decoder for a manifest's output format. */
export function outputDecoder(spec: DetectionOutputSpec): OutputDecoder {
  switch (spec.format) {
    case 'yolox':
      return yoloxDecoder(spec);
    case 'nanodet':
      return nanodetDecoder(spec);
    case 'yolov8':
      return yolov8Decoder(spec);
  }
}
