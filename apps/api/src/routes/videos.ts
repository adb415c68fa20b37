import { SubmitSourcesBody, VideoList } from '@orion/shared/api';
import { authErrors, security, errorRef } from '../schemas/common.js';
import {
  ListQuery,
  SubmitHeaders,
  SubmitResponseRef,
  VideoDeleted,
  VideoIdParams,
  VideoStatusRef,
} from '../schemas/video.js';
import { badRequest } from '../errors.js';
import { ownVideo } from '../services/own-video.js';
import { parseStatusIds } from '../services/status-ids.js';
import { submissionSource } from '../services/submission-source.js';
import { deleteVideo } from '../services/video-deletion.js';
import { retryVideo } from '../services/video-retry.js';
import { currentState, videoStatus } from '../services/video-status.js';
import type { App } from '../types.js';

export default async function videoRoutes(app: App) {
  const { submission, videos, queues, store, tombstones, redis } = app.deps;

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
        headers: SubmitHeaders,
        body: { content: { 'application/json': { schema: SubmitSourcesBody } } },
        response: {
          202: SubmitResponseRef,
          400: errorRef,
          409: errorRef,
          413: errorRef,
          415: errorRef,
          ...authErrors,
        },
      },
    },
    async (req, reply) => {
      const answer = await submission.submit(
        req.principal.tenantId,
        submissionSource(req),
        req.headers['idempotency-key'],
      );
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(answer.statusCode).send(answer.body);
    },
  );

  app.get(
    '/v1/videos',
    {
      schema: {
        tags: ['videos'],
        summary:
          "List the tenant's videos, newest first, with cursor paging and a state filter; or, with `ids`, the status of several videos in one request",
        security,
        querystring: ListQuery,
        response: { 200: VideoList, 400: errorRef, ...authErrors },
      },
    },
    async (req) => {
      const { limit, cursor, state, ids } = req.query;
      if (ids !== undefined) {
        if (limit !== undefined || cursor !== undefined || state !== undefined)
          throw badRequest('ids cannot be combined with limit, cursor or state');
        // One request for many videos, so that a client watching several does not poll each.
        const wanted = parseStatusIds(ids);
        const records = await Promise.all(
          wanted.map((id) => videos.getForTenant(id, req.principal.tenantId)),
        );
        return {
          videos: await Promise.all(
            records.filter((r) => r !== undefined).map((r) => videoStatus(r, queues)),
          ),
          missing: wanted.filter((_, k) => records[k] === undefined),
        };
      }
      const page = await videos.listForTenant(
        req.principal.tenantId,
        { limit: limit ?? 20, cursor, state },
        (r) => currentState(r, queues),
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
        response: { 200: VideoStatusRef, 400: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (req) => videoStatus(await loadOwn(req.params.id, req.principal.tenantId), queues),
  );

  app.post(
    '/v1/videos/:id/retry',
    {
      schema: {
        tags: ['videos'],
        summary: 'Retry every failed job of a failed video; cluster and finalize run again',
        description:
          'Answers 202 with the status (state `queued`). The failures stay listed in `failures`. ' +
          '409 `NOT_FAILED` when the video is not failed, `RETRY_IN_PROGRESS` during another retry.',
        security,
        params: VideoIdParams,
        response: { 202: VideoStatusRef, 400: errorRef, 404: errorRef, 409: errorRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const record = await loadOwn(req.params.id, req.principal.tenantId);
      const retried = await retryVideo(record.id, { redis, queues, videos });
      return reply.status(202).send(await videoStatus(retried, queues));
    },
  );

  app.delete(
    '/v1/videos/:id',
    {
      schema: {
        tags: ['videos'],
        summary: "Cancel a video's pending jobs and delete its stored data",
        security,
        params: VideoIdParams,
        response: { 200: VideoDeleted, 400: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (req) => {
      const record = await loadOwn(req.params.id, req.principal.tenantId);
      const result = await deleteVideo(record, {
        queues,
        store,
        entityIndex: app.deps.entityIndex,
        videos,
        tombstones,
      });
      return { id: record.id, deleted: true as const, ...result };
    },
  );
}
