import { readIdentities, type Entity } from '@orion/shared';
import { notFound } from '../errors.js';
import { authErrors, errorRef, security } from '../schemas/common.js';
import { EntityDetail, EntityList, ObservationList } from '@orion/shared/api';
import { EntityParams, EntityQuery, HtmlPage, JpegImage, ObservationQuery } from '../schemas/entity.js';
import { VideoIdParams } from '../schemas/video.js';
import { classConfusion } from '../services/class-confusion.js';
import { alsoSeenIn } from '../services/also-seen-in.js';
import { renderReport } from '../services/report-html.js';
import { ownVideo } from '../services/own-video.js';
import { ResultsReader } from '../services/results-reader.js';
import type { App } from '../types.js';

/** Example crops per cell of the report's class-confusion table. */
const CONFUSION_EXAMPLES = 4;

const errors = { 400: errorRef, 404: errorRef, 409: errorRef, ...authErrors };

function page<T>(items: T[], limit: number, cursor: string | undefined) {
  const start = cursor ? Number(cursor) : 0;
  const slice = items.slice(start, start + limit);
  return { items: slice, nextCursor: start + limit < items.length ? String(start + limit) : undefined };
}

/** Entities of a video's current clustering run: list, detail with observations, thumbnail. */
export default async function entityRoutes(app: App) {
  const { videos, store } = app.deps;
  const results = new ResultsReader(store);
  const own = (id: string, tenantId: string) => ownVideo(videos, id, tenantId);
  const summary = (videoId: string, e: Entity) => {
    const { centroidRow: _row, ...rest } = e;
    return { ...rest, thumbnailUrl: `/v1/videos/${videoId}/entities/${e.id}/thumbnail` };
  };

  app.get(
    '/v1/videos/:id/entities',
    {
      schema: {
        tags: ['entities'],
        summary: 'Entities of the video (current run), filtered by label and flag, paged',
        security,
        params: VideoIdParams,
        querystring: EntityQuery,
        response: { 200: EntityList, ...errors },
      },
    },
    async (req) => {
      const record = await own(req.params.id, req.principal.tenantId);
      const file = await results.entities(record);
      const { label, flagged, limit = 50, cursor } = req.query;
      const matching = file.entities.filter(
        (e) =>
          (label === undefined || e.label === label) &&
          (flagged === undefined || (e.flaggedObservations > 0 || e.likelyFalsePositive) === flagged),
      );
      const { items, nextCursor } = page(matching, limit, cursor);
      return {
        runId: file.runId,
        total: matching.length,
        entities: items.map((e) => summary(record.id, e)),
        ...(nextCursor ? { nextCursor } : {}),
      };
    },
  );

  app.get(
    '/v1/videos/:id/entities/:entityId',
    {
      schema: {
        tags: ['entities'],
        summary: 'One entity with all its observations',
        security,
        params: EntityParams,
        response: { 200: EntityDetail, ...errors },
      },
    },
    async (req) => {
      const record = await own(req.params.id, req.principal.tenantId);
      const [file, obs] = await Promise.all([results.entities(record), results.observations(record)]);
      const entity = file.entities.find((e) => e.id === req.params.entityId);
      if (!entity) throw notFound(`No entity ${req.params.entityId} in video ${record.id}`);
      return {
        runId: file.runId,
        entity: summary(record.id, entity),
        observations: obs.observations.filter((o) => o.entity === entity.id),
      };
    },
  );

  app.get(
    '/v1/videos/:id/entities/:entityId/thumbnail',
    {
      schema: {
        tags: ['entities'],
        summary: "The entity's representative crop (image/jpeg)",
        security,
        params: EntityParams,
        response: { 200: JpegImage, ...errors },
      },
    },
    async (req, reply) => {
      const record = await own(req.params.id, req.principal.tenantId);
      const file = await results.entities(record);
      const entity = file.entities.find((e) => e.id === req.params.entityId);
      if (!entity) throw notFound(`No entity ${req.params.entityId} in video ${record.id}`);
      const { stream, length } = await results.crop(record, entity.representative);
      return reply
        .header('content-type', 'image/jpeg')
        .header('content-length', length)
        .header('cache-control', 'private, max-age=3600')
        .send(stream);
    },
  );

  app.get(
    '/v1/videos/:id/observations',
    {
      schema: {
        tags: ['entities'],
        summary: 'Observations of the video (current run); `flagged=true` lists likely misclassifications',
        security,
        params: VideoIdParams,
        querystring: ObservationQuery,
        response: { 200: ObservationList, ...errors },
      },
    },
    async (req) => {
      const record = await own(req.params.id, req.principal.tenantId);
      const file = await results.observations(record);
      const { flagged, entity, label, limit = 50, cursor } = req.query;
      const matching = file.observations.filter(
        (o) =>
          (flagged === undefined || (o.flag !== null) === flagged) &&
          (entity === undefined || o.entity === entity) &&
          (label === undefined || o.label === label),
      );
      const { items, nextCursor } = page(matching, limit, cursor);
      return {
        runId: file.runId,
        total: matching.length,
        observations: items,
        ...(nextCursor ? { nextCursor } : {}),
      };
    },
  );

  app.get(
    '/v1/videos/:id/report',
    {
      schema: {
        tags: ['entities'],
        summary:
          'HTML report: entity gallery, timeline, class confusion, flagged misclassifications, run parameters (self-contained)',
        security,
        params: VideoIdParams,
        response: { 200: HtmlPage, ...errors },
      },
    },
    async (req, reply) => {
      const record = await own(req.params.id, req.principal.tenantId);
      const [file, obs] = await Promise.all([results.entities(record), results.observations(record)]);
      const confusion = classConfusion(obs.observations, CONFUSION_EXAMPLES);
      const wanted = new Set([
        ...file.entities.map((e) => e.representative),
        ...confusion.flatMap((c) => c.examples),
        ...obs.observations
          .filter((o) => o.flag)
          .slice(0, 60)
          .map((o) => o.id),
      ]);
      const crops = await results.crops(record, [...wanted]);
      const html = renderReport({
        record,
        entities: file,
        observations: obs.observations,
        confusion,
        crops,
        generatedAt: new Date(),
        alsoSeenIn: alsoSeenIn(await readIdentities(store, record.tenantId), record.id, file.runId),
      });
      return reply.header('content-type', 'text/html; charset=utf-8').send(html);
    },
  );
}
