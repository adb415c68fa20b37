import { randomUUID } from 'node:crypto';
import { UploadRequest, UploadTargets } from '@orion/shared/api';
import { HttpError, badRequest } from '../errors.js';
import { authErrors, errorRef, security } from '../schemas/common.js';
import { filenameProblem } from '../services/upload-filename.js';
import type { App } from '../types.js';

const EXPIRES_SECONDS = 3600;

/** Keeps the file's name readable in the key while ruling out separators and odd characters. */
const safeName = (name: string) =>
  name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 128) || 'video';

export default async function uploadRoutes(app: App) {
  const { store } = app.deps;
  app.post(
    '/v1/uploads',
    {
      schema: {
        tags: ['uploads'],
        summary: 'Presigned PUT URLs for uploading large files straight to the bucket (S3 storage only)',
        security,
        body: UploadRequest,
        response: { 200: UploadTargets, 400: errorRef, 501: errorRef, ...authErrors },
      },
    },
    async (req) => {
      if (store.driver !== 's3') {
        throw new HttpError(
          501,
          'NOT_SUPPORTED',
          'Presigned uploads need S3 storage; this deployment stores files locally',
        );
      }
      req.body.files.forEach((f, i) => {
        const problem = filenameProblem(f.filename);
        if (problem) throw badRequest(`files[${i}]: ${problem}`);
      });
      const expiresAt = new Date(Date.now() + EXPIRES_SECONDS * 1000).toISOString();
      const uploads = await Promise.all(
        req.body.files.map(async (f) => {
          const key = `uploads/${req.principal.tenantId}/${randomUUID()}/${safeName(f.filename)}`;
          const contentType = f.contentType ?? 'application/octet-stream';
          return {
            filename: f.filename,
            key,
            method: 'PUT' as const,
            url: await store.presignPut(key, EXPIRES_SECONDS, contentType),
            headers: { 'content-type': contentType },
            expiresAt,
          };
        }),
      );
      return { uploads };
    },
  );
}
