// What jobs return (BullMQ `returnvalue`) and report as progress: small summaries, never payloads.

/** Progress of a job that works through a known number of items (frames, crops …). */
export interface StageProgress {
  stage: string;
  done: number;
  total: number;
  /** 0–100. */
  percent: number;
}

export interface DetectTimings {
  /** Waiting for ffmpeg to hand over frames (decoding not overlapped with detection). */
  decodeWaitMs: number;
  /** Resize and normalise frames into the model input. */
  preprocessMs: number;
  /** ONNX Runtime session runs. */
  inferenceMs: number;
  /** Output decoding and NMS. */
  postprocessMs: number;
  /** Cutting and JPEG-encoding crops (the part not overlapped with detection). */
  cropsMs: number;
  /** Writing detections and crops to the store. */
  storeMs: number;
  totalMs: number;
}

export interface DetectJobResult {
  videoId: string;
  shardIndex: number;
  /** Frames decoded and run through the detector. */
  frames: number;
  /** Frames the shard's time range should hold at the target fps. */
  expectedFrames: number;
  detections: number;
  model: string;
  /** Session runs (batches) behind `timings.inferenceMs`. */
  inferenceRuns: number;
  /** The execution provider that really ran the model (not merely the one requested). */
  provider: 'cpu' | 'cuda';
  timings: DetectTimings;
  keys: { detections: string; crops: string; cropsIndex: string };
}
