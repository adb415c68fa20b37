import { Type } from 'typebox';
import { assertValidKey } from '@orion/shared';
import { authErrors, errorRef } from '../schemas/common.js';
import {
  ListQuery,
  SubmitSourcesBody,
  VideoIdParams,
  VideoList,
  type SubmitOptions,
} from '../schemas/video.js';
import { receiveMultipart } from '../services/multipart-submission.js';
import { ownVideo } from '../services/own-video.js';
import { deleteVideo } from '../services/video-deletion.js';
import type { IntakeItem } from '../services/video-intake.js';
import { currentState, videoStatus } from '../services/video-status.js';
import type { App } from '../types.js';

const security = [{ bearerAuth: [] }];
const ADMIT_CONCURRENCY = 4;

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

export default async function videoRoutes(app: App) {
  const { intake, videos, queues, idempotency, store } = app.deps;

  const summarise = (items: IntakeItem[]) => ({
    videos: items,
    accepted: items.filter((i) => i.id).length,
    rejected: items.filter((i) => !i.id).length,
  });

  app.post(
    '/v1/videos',
    {
      schema: {
        tags: ['videos'],
        summary:
          'Submit videos: multipart upload of one or many files, or JSON keys of objects already in the bucket',
        description:
          'Answers 202 with one entry per file: its video id and status URL, or that file’s own error. ' +
          'Send `Idempotency-Key` to make retries safe.',
        security,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        }),
        body: { content: { 'application/json': { schema: SubmitSourcesBody } } },
        response: {
          202: Type.Ref('SubmitResponse'),
          400: errorRef,
          409: errorRef,
          413: errorRef,
          ...authErrors,
        },
      },
    },
    async (req, reply) => {
      const { tenantId } = req.principal;
      const idemKey = req.headers['idempotency-key'];
      if (idemKey) {
        const earlier = await idempotency.begin(tenantId, idemKey);
        if (earlier)
          return reply.header('idempotent-replayed', 'true').status(earlier.statusCode).send(earlier.body);
      }
      try {
        let items: IntakeItem[];
        if (req.isMultipart()) {
          const { uploads, options } = await receiveMultipart(req, intake);
          items = await mapLimit(uploads, ADMIT_CONCURRENCY, (u) =>
            intake.admit({
              videoId: u.videoId,
              tenantId,
              sourceKey: u.key,
              ownsSource: true,
              filename: u.filename,
              options,
            }),
          );
        } else {
          const body = req.body as SubmitSourcesBody;
          const { sources, ...options } = body;
          items = await mapLimit(sources, ADMIT_CONCURRENCY, async (source) => {
            const problem = checkSourceKey(source.key, tenantId);
            if (problem)
              return {
                filename: source.filename,
                key: source.key,
                error: { code: 'INVALID_KEY', message: problem },
              };
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
        const body = summarise(items);
        if (idemKey) await idempotency.complete(tenantId, idemKey, { statusCode: 202, body });
        return reply.status(202).send(body);
      } catch (err) {
        if (idemKey) await idempotency.abandon(tenantId, idemKey);
        throw err;
      }
    },
  );

  app.get(
    '/v1/videos',
    {
      schema: {
        tags: ['videos'],
        summary: "List the tenant's videos, newest first, with cursor paging and a state filter",
        security,
        querystring: ListQuery,
        response: { 200: VideoList, 400: errorRef, ...authErrors },
      },
    },
    async (req) => {
      const { limit = 20, cursor, state } = req.query;
      const page = await videos.listForTenant(req.principal.tenantId, { limit, cursor, state }, (r) =>
        currentState(r, queues),
      );
      return {
        videos: await Promise.all(page.records.map((r) => videoStatus(r, queues))),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      };
    },
  );

  const loadOwn = (id: string, tenantId: string) => ownVideo(videos, id, tenantId);

  app.get(
    '/v1/videos/:id',
    {
      schema: {
        tags: ['videos'],
        summary: 'Status of one video: state, stage, progress per stage, counts, timings, providers, error',
        security,
        params: VideoIdParams,
        response: { 200: Type.Ref('VideoStatus'), 400: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (req) => videoStatus(await loadOwn(req.params.id, req.principal.tenantId), queues),
  );

  app.delete(
    '/v1/videos/:id',
    {
      schema: {
        tags: ['videos'],
        summary: "Cancel a video's pending jobs and delete its stored data",
        security,
        params: VideoIdParams,
        response: {
          200: Type.Object(
            {
              id: Type.String(),
              deleted: Type.Literal(true),
              canceledJobs: Type.Integer(),
              runningJobs: Type.Integer(),
            },
            { additionalProperties: false },
          ),
          400: errorRef,
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const record = await loadOwn(req.params.id, req.principal.tenantId);
      const result = await deleteVideo(record, { queues, store, videos });
      return { id: record.id, deleted: true as const, ...result };
    },
  );
}
