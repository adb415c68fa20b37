import type { BoxXywh } from './box.js';

/** One detection of the whole video, as the tracker takes it. */
export interface TrackDetection<Id = string | number> {
  /** Unique among all detections passed in one call. */
  id: Id;
  /** Sample index in the video (gaps allowed); detections of one frame share it and their time. */
  frame: number;
  /** Seconds from the start of the video; drives the motion model, so irregular sampling is fine. */
  t: number;
  /** [x, y, width, height] in source pixels. */
  box: BoxXywh;
  /** Class label of the detector. */
  label: string;
  /** Detector confidence in [0, 1]. */
  score: number;
  /** Appearance embedding (any length, the same for all; normalised here, a zero vector is refused). */
  embedding?: Float32Array | null;
  /**
   * Re-identification vector (any length, the same for all; normalised here), for classes a re-id
   * model embeds. Where a track and a detection both have one, the appearance cost uses it (with the
   * `reid*` settings) instead of `embedding`.
   */
  reid?: Float32Array | null;
}

export interface Tracklet<Id = string | number> {
  /** Index in `TrackingResult.tracklets`, in order of first appearance. */
  id: number;
  /** Consensus (most frequent) class label; ties go to the higher summed score. */
  label: string;
  /** Detections per class label. */
  labelCounts: Record<string, number>;
  /** The tracklet's detections in time order. */
  detectionIds: Id[];
  /** Their frames, parallel to `detectionIds`. */
  frames: number[];
  firstFrame: number;
  lastFrame: number;
  firstTime: number;
  lastTime: number;
  meanScore: number;
  /**
   * Quality-weighted mean of the detections' embeddings, L2-normalised; null when none had one.
   * Quality = score × (1 − the largest share of the box another detection of the frame covers):
   * crops of occluded objects show their occluder too.
   */
  embedding: Float32Array | null;
  /** Sum of those quality weights: how much appearance evidence backs `embedding`. */
  embeddingWeight: number;
  /** The same quality-weighted mean of the detections' re-id vectors; null when none had one. */
  reid: Float32Array | null;
}

export interface TrackingResult<Id = string | number> {
  tracklets: Tracklet<Id>[];
  /** Tracklet index of each input detection, parallel to the input array. */
  trackletOfIndex: Int32Array;
  /** Tracklet index by detection id. */
  trackletOf: Map<Id, number>;
  /**
   * Pairs [a, b] (a < b, sorted) of tracklets that share a frame: different objects, which a later
   * grouping must never merge.
   */
  cannotLink: [number, number][];
}
