import { ArchiveFile, FlagExportQuery } from '@orion/shared/api';
import { authErrors, errorRef, security } from '../schemas/common.js';
import { VideoIdParams } from '../schemas/video.js';
import { FlagExport } from '../services/flag-export.js';
import { ownVideo } from '../services/own-video.js';
import type { App } from '../types.js';

/** A video's flagged crops as a labelled data set, for review and retraining. */
export default async function flagRoutes(app: App) {
  const { videos, store } = app.deps;
  const exporter = new FlagExport(store);

  app.get(
    '/v1/videos/:id/flags/export',
    {
      schema: {
        tags: ['entities'],
        summary:
          'Flagged crops as a labelled data set (COCO JSON or YOLO txt + images) in a zip or tar, streamed',
        description:
          'One image per flagged crop; its box is the detection inside the crop, labelled with the suggested class. ' +
          'Crops judged to hold no object are images without boxes. `flags.json` lists every crop with its ' +
          'observation, detector class and label, and the flags left out (no suggested class, no crop).',
        security,
        params: VideoIdParams,
        querystring: FlagExportQuery,
        response: { 200: ArchiveFile, 400: errorRef, 404: errorRef, 409: errorRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const record = await ownVideo(videos, req.params.id, req.principal.tenantId);
      const { format, archive = 'zip' } = req.query;
      const out = await exporter.open(record, format, archive);
      return reply
        .header('content-type', out.contentType)
        .header('content-disposition', `attachment; filename="${out.filename}"`)
        .header('x-orion-flag-images', String(out.dataset.images.length))
        .header('x-orion-flags-skipped', String(out.dataset.skipped.length))
        .send(out.stream);
    },
  );
}
