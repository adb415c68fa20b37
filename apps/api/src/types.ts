import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EntityIndex } from '@orion/entity-index';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Redis } from 'ioredis';
import type {
  Logger,
  ObjectStore,
  OrionConfig,
  OrionMetrics,
  VideoRepository,
  VideoTombstones,
} from '@orion/shared';
import type { CallbackUrlPolicy } from './services/callback-url-policy.js';
import type { AuthFailureThrottle } from './services/auth-failures.js';
import type { IdempotencyStore } from './services/idempotency.js';
import type { PipelineQueues } from './services/pipeline-queues.js';
import type { ProbePool } from './services/probe-pool.js';
import type { TenantDirectory } from './services/tenant-directory.js';
import type { UploadAdmission } from './services/upload-admission.js';
import type { VideoIntake } from './services/video-intake.js';
import type { VideoSubmission } from './services/video-submission.js';

/** Everything the routes use, built once at start (see deps.ts) and decorated onto the app. */
export interface ApiDeps {
  config: OrionConfig;
  logger: Logger;
  redis: Redis;
  store: ObjectStore;
  /** The tenants' entity tables (LanceDB, under the same STORAGE_URL). */
  entityIndex: EntityIndex;
  queues: PipelineQueues;
  videos: VideoRepository;
  /** Deleted videos, which running jobs check before they write. */
  tombstones: VideoTombstones;
  tenants: TenantDirectory;
  idempotency: IdempotencyStore;
  authFailures: AuthFailureThrottle;
  intake: VideoIntake;
  /** ffprobe children, bounded and served fairly across tenants. */
  probes: ProbePool;
  /** Multipart submissions in progress, bounded per key and in total. */
  uploads: UploadAdmission;
  submission: VideoSubmission;
  /** Where callbacks may go; checked at submit and before each delivery. */
  callbackPolicy: CallbackUrlPolicy;
  metrics: OrionMetrics;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyInstance {
    deps: ApiDeps;
    routeList: { method: string; url: string }[];
  }
}
