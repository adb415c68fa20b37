export * from './box.js';
export * from './types.js';
export { buildTracklets } from './tracker.js';
export { DEFAULT_TRACKER_OPTIONS, DEFAULT_MOTION_NOISE, resolveTrackerOptions } from './options.js';
export type { TrackerOptions, TrackerOptionsInput } from './options.js';
export type { MotionNoise } from './kalman-box.js';
export { KalmanBox, CHI2_4DOF_99 } from './kalman-box.js';
export { TrackingInputError } from './input-frames.js';
export { assignWithCostLimit, type Assignment } from './assignment.js';
export { cannotLinkPairs } from './cannot-link.js';
export { dot, normalised } from './vector.js';
export * from './eval/adjusted-rand-index.js';
export * from './eval/mot-ground-truth.js';
export * from './eval/match-frame.js';
export * from './eval/identity-metrics.js';
export * from './eval/visit-ground-truth.js';
export * from './eval/visit-metrics.js';
export {
  buildTrackingSequence,
  type TrackingSequence,
  type SequenceFrame,
} from './metrics/tracking-sequence.js';
export { clearMot, type ClearMot } from './metrics/clear-mot.js';
export { identityScores, type IdentityScores } from './metrics/identity-scores.js';
export { hota, HOTA_ALPHAS, type Hota, type HotaAtAlpha } from './metrics/hota.js';
export { evaluateTracking, type TrackingMetrics } from './metrics/tracking-metrics.js';
export { formatMotResults, parseMotResults, type MotResultRow } from './metrics/mot-results.js';
export { entityTrackIds } from './metrics/entity-track-ids.js';
