import type { FastifyRequest } from 'fastify';
import { assertValidKey } from '@orion/shared';
import type { SubmitOptions, SubmitResponse, SubmitSourcesBody, SubmittedItem } from '@orion/shared/api';
import type { IdempotencyStore, StoredResponse } from './idempotency.js';
import { checkCallbackUrlField, type CallbackUrlPolicy } from './callback-url-policy.js';
import { filenameProblem } from './upload-filename.js';
import { receiveMultipart } from './multipart-submission.js';
import type { VideoIntake } from './video-intake.js';

/** Files of one request admitted at once: ffprobe and the store run in parallel, within bounds. */
const ADMIT_CONCURRENCY = 4;

/** What a submission request carries: files in a multipart body, or keys already in the bucket. */
export type SubmissionSource =
  { kind: 'multipart'; request: FastifyRequest } | { kind: 'sources'; body: SubmitSourcesBody };

export interface SubmissionAnswer extends StoredResponse {
  /** The answer of an earlier request with the same Idempotency-Key, sent again. */
  replayed: boolean;
}

// A handful of files per request: a small pool of workers over the list, in order, needs no library.
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** Keys a tenant may submit: anything but Orion's own data and other tenants' upload areas. */
function checkSourceKey(key: string, tenantId: string): string | undefined {
  try {
    assertValidKey(key);
  } catch (err) {
    return (err as Error).message;
  }
  if (key.startsWith('videos/')) return `key ${key} is inside Orion's own storage area`;
  if (key.startsWith('uploads/') && !key.startsWith(`uploads/${tenantId}/`))
    return `key ${key} belongs to another tenant`;
  return undefined;
}

const summarise = (items: SubmittedItem[]): SubmitResponse => ({
  videos: items,
  accepted: items.filter((i) => i.id).length,
  rejected: items.filter((i) => !i.id).length,
});

/**
 * `POST /v1/videos`: admits every file of a request, each with its own outcome, and makes retries
 * with the same `Idempotency-Key` safe (the first answer is kept and sent again).
 */
export class VideoSubmission {
  constructor(
    private readonly deps: {
      intake: VideoIntake;
      idempotency: IdempotencyStore;
      callbackPolicy: CallbackUrlPolicy;
    },
  ) {}

  async submit(
    tenantId: string,
    source: SubmissionSource,
    idempotencyKey?: string,
  ): Promise<SubmissionAnswer> {
    const { idempotency, callbackPolicy } = this.deps;
    // A refused callback refuses the request as a whole (multipart: once its fields are read).
    if (source.kind === 'sources' && source.body.callbackUrl !== undefined)
      await checkCallbackUrlField(callbackPolicy, source.body.callbackUrl);
    if (idempotencyKey) {
      const earlier = await idempotency.begin(tenantId, idempotencyKey);
      if (earlier) return { ...earlier, replayed: true };
    }
    try {
      const items =
        source.kind === 'multipart'
          ? await this.admitUploads(tenantId, source.request)
          : await this.admitSources(tenantId, source.body);
      const answer: StoredResponse = { statusCode: 202, body: summarise(items) };
      if (idempotencyKey) await idempotency.complete(tenantId, idempotencyKey, answer);
      return { ...answer, replayed: false };
    } catch (err) {
      if (idempotencyKey) await idempotency.abandon(tenantId, idempotencyKey);
      throw err;
    }
  }

  /** Multipart: every file is streamed into the store first, then admitted. */
  private async admitUploads(tenantId: string, request: FastifyRequest): Promise<SubmittedItem[]> {
    const { intake } = this.deps;
    const { uploads, options } = await receiveMultipart(request, intake, this.deps.callbackPolicy);
    return mapLimit(uploads, ADMIT_CONCURRENCY, async (u) =>
      'refused' in u
        ? { error: { code: 'INVALID_FILENAME', message: u.refused } }
        : intake.admit({
            videoId: u.videoId,
            tenantId,
            sourceKey: u.key,
            ownsSource: true,
            filename: u.filename,
            options,
          }),
    );
  }

  /** JSON: keys of objects already in the bucket, each checked before it is admitted. */
  private async admitSources(tenantId: string, body: SubmitSourcesBody): Promise<SubmittedItem[]> {
    const { intake } = this.deps;
    const { sources, ...options } = body;
    return mapLimit(sources, ADMIT_CONCURRENCY, async (source) => {
      const problem = checkSourceKey(source.key, tenantId);
      if (problem)
        return {
          filename: source.filename,
          key: source.key,
          error: { code: 'INVALID_KEY', message: problem },
        };
      const badName = source.filename === undefined ? undefined : filenameProblem(source.filename);
      if (badName) return { key: source.key, error: { code: 'INVALID_FILENAME', message: badName } };
      return intake.admit({
        videoId: intake.newVideoId(),
        tenantId,
        sourceKey: source.key,
        ownsSource: false,
        filename: source.filename,
        options: options as SubmitOptions,
      });
    });
  }
}
