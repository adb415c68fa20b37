export { hdbscan, type RunOptions } from './hdbscan.js';
export { hdbscanOnThisThread } from './cluster-here.js';
export type { HdbscanOptions, Metric, ClusterSelectionMethod, DistanceKernel } from './options.js';
export type { Points, PointMatrix } from './points.js';
export type { HdbscanResult, HdbscanTimings, CondensedTree } from './result.js';
