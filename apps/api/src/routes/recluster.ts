import { buildReclusterFlow } from '@orion/shared';
import { HttpError } from '../errors.js';
import { ownVideo } from '../services/own-video.js';
import { authErrors, errorRef, security } from '../schemas/common.js';
import { VideoIdParams } from '../schemas/video.js';
import { ReclusterAccepted, ReclusterBody } from '@orion/shared/api';
import type { App } from '../types.js';

/** Re-clustering on the stored detections and embeddings: only a cluster job runs. */
export default async function reclusterRoutes(app: App) {
  const { videos, queues } = app.deps;
  app.post(
    '/v1/videos/:id/recluster',
    {
      schema: {
        tags: ['entities'],
        summary:
          'Cluster a completed video again with other parameters; the earlier results stay current until the new run is done',
        security,
        params: VideoIdParams,
        body: ReclusterBody,
        response: {
          202: ReclusterAccepted,
          400: errorRef,
          404: errorRef,
          409: errorRef,
          ...authErrors,
        },
      },
    },
    async (req, reply) => {
      const record = await ownVideo(videos, req.params.id, req.principal.tenantId);
      if (record.state !== 'completed') {
        throw new HttpError(
          409,
          'NOT_COMPLETED',
          `Video ${record.id} is ${record.state}: only completed videos can be re-clustered`,
        );
      }
      if (record.pendingRunId) {
        throw new HttpError(
          409,
          'RECLUSTER_IN_PROGRESS',
          `Run ${record.pendingRunId} of video ${record.id} is still in progress`,
        );
      }
      const b = req.body;
      const clustering = {
        minClusterSize: b.minClusterSize ?? record.clustering.minClusterSize,
        minSamples: b.minSamples ?? b.minClusterSize ?? record.clustering.minSamples,
        clusterSelectionEpsilon: b.clusterSelectionEpsilon ?? record.clustering.clusterSelectionEpsilon,
        clusterSelectionMethod: b.clusterSelectionMethod ?? record.clustering.clusterSelectionMethod,
      };
      const runId = `r${Date.now().toString(36)}`;
      await videos.update(record.id, (r) => ({ ...r, pendingRunId: runId }));
      try {
        await queues.flows.add(
          buildReclusterFlow({
            videoId: record.id,
            tenantId: record.tenantId,
            runId,
            shardCount: record.plan.shardCount,
            embedding: b.embedding ?? record.embedding,
            association: b.association ?? record.association,
            noise: b.noise ?? record.noise,
            clustering,
            prefix: queues.prefix,
          }),
        );
      } catch (err) {
        await videos.update(record.id, ({ pendingRunId: _p, ...r }) => r);
        throw err;
      }
      return reply
        .status(202)
        .send({ id: record.id, runId, previousRunId: record.runId, statusUrl: `/v1/videos/${record.id}` });
    },
  );
}
