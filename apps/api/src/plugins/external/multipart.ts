import multipart from '@fastify/multipart';
import fp from 'fastify-plugin';

/** Multipart uploads are consumed as streams by the route; nothing is buffered or written to temp files. */
export default fp<{ maxUploadBytes: number }>(async (app, opts) => {
  await app.register(multipart, {
    limits: { fileSize: opts.maxUploadBytes, files: 100, fields: 50, fieldSize: 64 * 1024, parts: 200 },
    throwFileSizeLimit: true,
  });
});
