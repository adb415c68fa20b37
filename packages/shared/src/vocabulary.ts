/*
 * Every word list of Orion's contracts, defined once: a const array each, its type derived from it.
 * The env schema, config, video records, job payloads and results, stored formats, the API's schemas
 * and the CLI all take their words from here. No imports, so a client can load it alone
 * (`@orion/shared/vocabulary`) without the storage, queue and model code behind `@orion/shared`.
 */

/** A video's life: `queued → processing → completed | failed | canceled`. */
export const VIDEO_STATES = ['queued', 'processing', 'completed', 'failed', 'canceled'] as const;
export type VideoState = (typeof VIDEO_STATES)[number];

/** States a video never leaves (a recluster of a completed video keeps it `completed`). */
export const TERMINAL_STATES = ['completed', 'failed', 'canceled'] as const satisfies readonly VideoState[];
export type TerminalState = (typeof TERMINAL_STATES)[number];

export function isTerminalState(state: string): state is TerminalState {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

/** The per-video stages of the pipeline, in order. */
export const PIPELINE_STAGES = ['detect', 'embed', 'cluster'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** Where a video stands, as the status reports it: before, in, or after the pipeline's stages. */
export const STATUS_STAGES = ['queued', ...PIPELINE_STAGES, 'done'] as const;
export type StatusStage = (typeof STATUS_STAGES)[number];

/** The state of one stage's jobs, as read from the queues. */
export const JOB_PHASES = ['pending', 'running', 'done', 'failed'] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

/** `vision`: the image embedding; `multimodal`: the image embedding conditioned on the class prompt. */
export const EMBEDDING_KINDS = ['vision', 'multimodal'] as const;
export type EmbeddingKind = (typeof EMBEDDING_KINDS)[number];

/**
 * The vectors a clustering run compares: a stored embedding kind, or `reid`: the re-id vectors for
 * observations that have one (REID_CLASSES, e.g. person) and the vision embedding for the rest.
 */
export const CLUSTER_EMBEDDINGS = [...EMBEDDING_KINDS, 'reid'] as const;
export type ClusterEmbedding = (typeof CLUSTER_EMBEDDINGS)[number];

/** Image embedders: `clip` (image–text) or `vision` (an ImageNet backbone). */
export const EMBEDDING_BACKENDS = ['clip', 'vision'] as const;
export type EmbeddingBackend = (typeof EMBEDDING_BACKENDS)[number];

/** How observations are grouped: tracklets first (default), or HDBSCAN on observations alone. */
export const ASSOCIATION_MODES = ['tracklets', 'observations'] as const;
export type AssociationMode = (typeof ASSOCIATION_MODES)[number];

/** Where HDBSCAN noise goes: its own single entities (`singletons`) or the `unassigned` list. */
/** Tiled detection: `off`, always the full frame plus a 2×2 grid, or only for frames much larger than the model input. */
export const DETECT_TILE_MODES = ['off', '2x2', 'auto'] as const;
export type DetectTileMode = (typeof DETECT_TILE_MODES)[number];

export const NOISE_POLICIES = ['singletons', 'unassigned'] as const;
export type NoisePolicy = (typeof NOISE_POLICIES)[number];

/** HDBSCAN's cluster selection: excess of mass or leaves. */
export const CLUSTER_SELECTION_METHODS = ['eom', 'leaf'] as const;
export type ClusterSelectionMethod = (typeof CLUSTER_SELECTION_METHODS)[number];

/** ONNX Runtime execution providers a job can really run on. */
export const EXECUTION_PROVIDERS = ['cpu', 'cuda'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

/** What an operator may ask for: a provider, or `auto` (CUDA when it works, else CPU). */
export const EXECUTION_PROVIDER_SETTINGS = ['auto', ...EXECUTION_PROVIDERS] as const;
export type ExecutionProviderSetting = (typeof EXECUTION_PROVIDER_SETTINGS)[number];

/** Events a caller's callback URL receives. */
export const CALLBACK_EVENTS = ['video.completed', 'video.failed'] as const;
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/** Whether a crop's class could be checked against its detector label. */
export const VERIFICATION_STATUSES = ['verified', 'unverifiable'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** Why an observation is flagged as a likely misclassification. */
export const FLAG_REASONS = ['tracklet-consensus', 'entity-consensus', 'verification'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

/**
 * What label checking concludes about a detection: its class is right, the box holds an object of
 * another class, or there is no object of any class there (docs/benchmarks.md, "Label checking").
 */
export const LABEL_VERDICTS = ['correct', 'wrong-class', 'no-object'] as const;
export type LabelVerdict = (typeof LABEL_VERDICTS)[number];

/** Why a video's status carries a warning: it finished (or goes on) with less than was planned. */
export const STATUS_WARNING_CODES = ['FRAMES_MISSING'] as const;
export type StatusWarningCode = (typeof STATUS_WARNING_CODES)[number];
